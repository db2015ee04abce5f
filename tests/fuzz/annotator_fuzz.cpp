// Fuzzes the annotator (every style) and the --decode line splitter on arbitrary text, with a
// small symbol table and module table behind it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "annotate/annotator.h"
#include "decode/decode_output.h"
#include "decode/decode_setup.h"
#include "decode/log_line.h"

namespace {
klogd::Symbolizer* make() {
  static klogd::Symbolizer s;
  auto t = std::make_shared<klogd::SymbolTable>();
  std::string err;
  t->load_text(
      "ffffffff81000000 T _text\nffffffff81000100 T a\nffffffff81000180 t b\n"
      "ffffffff81000300 T _etext\n",
      "map", &err);
  klogd::CoreSymbols core;
  core.table = t;
  s.set_core(core);
  auto m = std::make_shared<klogd::ModuleTable>();
  m->load_text("mod 4096 0 - Live 0xffffffffc0000000\n", "ffffffffc0000010 t f\t[mod]\n", "m", "k",
               &err);
  s.set_modules(m);
  return &s;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static klogd::Symbolizer* sym = make();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto style : {klogd::AnnotationStyle::kKlogd, klogd::AnnotationStyle::kKeep}) {
    for (bool hide : {false, true}) {
      klogd::AnnotatorOptions o;
      o.style = style;
      o.registers = true;
      o.hide_addresses = hide;
      klogd::Annotator a(sym, o);
      a.annotate(text);
    }
  }
  klogd::Annotator a(sym, {});
  std::string out;
  klogd::decode_log(text, a, {true, false}, &out);
  out.clear();
  klogd::decode_log(text, a, {false, true}, &out);
  return 0;
}
