/* A stand-in for a kernel, for klogd's source-line tests: functions inlined two deep into a
 * caller, a function of the same name as one in frames2.c, linked at a kernel-like address
 * (tests/CMakeLists.txt builds it with gcc -g -O2). */
volatile int sink;

static inline __attribute__((always_inline)) int leaf_add(int a, int b) {
  sink = a;
  return a * b + sink;
}

static inline __attribute__((always_inline)) int middle_scale(int x) {
  int y = leaf_add(x, 3);
  sink = y;
  return y * 2;
}

__attribute__((noinline)) int outer_work(int x) {
  int r = middle_scale(x);
  sink = r;
  return r + 1;
}

/* one of two functions named helper: this one is 7 * x, frames2.c's a loop */
__attribute__((noinline)) static int helper(int x) {
  sink = x;
  return x * 7;
}

int helper2_call(int x);

__attribute__((noinline)) int caller_of_both(int x) {
  int a = helper(x);
  int b = helper2_call(a);
  return outer_work(b);
}

void start(void) {
  sink = caller_of_both(sink);
  for (;;) {
  }
}
