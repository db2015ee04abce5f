/* A stand-in for a kernel module (.ko), for klogd's source-line tests: compiled -c, relocatable,
 * with an inlined helper and two functions. */
volatile int mod_sink;

static inline __attribute__((always_inline)) int mod_leaf(int x) {
  mod_sink = x;
  return x + mod_sink;
}

__attribute__((noinline)) int mod_first(int x) {
  mod_sink = x * 5;
  return mod_sink;
}

__attribute__((noinline)) int mod_write(int x) {
  int y = mod_leaf(x);
  return mod_first(y) + 2;
}
