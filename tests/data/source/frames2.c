/* The second unit of the source-line test kernel: another static function named helper, of a
 * different size. */
extern volatile int sink;

__attribute__((noinline)) static int helper(int x) {
  int s = 0;
  for (int i = 0; i < x; ++i) s += sink + i;
  sink = s;
  return s;
}

__attribute__((noinline)) int helper2_call(int x) {
  return helper(x) + 1;
}
