#include "annotate/annotator.h"

#include <cstring>

#include "util/address_mask.h"
#include "util/hex.h"

namespace klogd {
namespace {

bool is_hex(char c) { return is_hex_digit(c); }
bool is_upper_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

uint64_t hex_value(std::string_view s) {
  uint64_t v = 0;
  parse_hex_u64(s, &v);
  return v;
}

// A stack trace entry: the whole text is "0x<16>" or "? 0x<16>", spaces around.
bool is_trace_entry(std::string_view text, bool* questionable) {
  size_t b = text.find_first_not_of(' ');
  if (b == std::string_view::npos) return false;
  size_t e = text.find_last_not_of(' ');
  std::string_view t = text.substr(b, e - b + 1);
  *questionable = false;
  if (t.starts_with("? ")) {
    *questionable = true;
    t.remove_prefix(2);
  }
  if (t.size() != 18 || t[0] != '0' || t[1] != 'x') return false;
  for (size_t i = 2; i < 18; ++i)
    if (!is_hex(t[i])) return false;
  return true;
}

void scan(std::string_view t, bool registers, std::vector<AddressToken>* out) {
  const size_t n = t.size();
  for (size_t i = 0; i + 2 < n; ++i) {
    char c = t[i];
    if (c == '[' && t[i + 1] == '<') {
      size_t j = i + 2;
      while (j < n && j - (i + 2) <= 16 && is_hex(t[j])) ++j;
      size_t digits = j - (i + 2);
      if (digits >= 1 && digits <= 16 && j + 1 < n && t[j] == '>' && t[j + 1] == ']') {
        out->push_back(
            {i, j + 2, hex_value(t.substr(i + 2, digits)), AddressToken::kBracketed, {}});
        i = j + 1;
      }
    } else if (c == '0' && t[i + 1] == 'x' && (i == 0 || !is_word_char(t[i - 1]))) {
      if (i + 18 <= n) {
        bool all = true;
        for (size_t k = i + 2; k < i + 18 && all; ++k) all = is_hex(t[k]);
        if (all && (i + 18 == n || !is_word_char(t[i + 18]))) {
          out->push_back({i, i + 18, hex_value(t.substr(i + 2, 16)), AddressToken::kHex0x, {}});
          i += 17;
        }
      }
    } else if (registers && c == ':' && t[i + 1] == ' ' && i >= 2) {
      // "RAX: ffffffff9d2d4448": a 2-4 character upper-case name at a word start.
      size_t s = i;
      while (s > 0 && is_upper_alnum(t[s - 1]) && i - s < 4) --s;
      size_t len = i - s;
      if (len < 2 || len > 3 || (s > 0 && t[s - 1] != ' ') || !(t[s] >= 'A' && t[s] <= 'Z'))
        continue;
      size_t v = i + 2;
      if (v + 16 > n) continue;
      bool all = true;
      for (size_t k = v; k < v + 16 && all; ++k) all = is_hex(t[k]);
      if (!all || (v + 16 < n && is_word_char(t[v + 16]))) continue;
      out->push_back(
          {v, v + 16, hex_value(t.substr(v, 16)), AddressToken::kRegister, t.substr(s, len)});
      i = v + 15;
    }
  }
}

}  // namespace

std::vector<AddressToken> find_address_tokens(std::string_view text, bool registers) {
  std::vector<AddressToken> tokens;
  scan(text, registers, &tokens);
  return tokens;
}

std::string format_kernel_symbol(const FoundAddress& f, bool with_module) {
  std::string s;
  if (f.symbol.empty()) {
    s += f.module;
    s += "+0x";
    append_hex(&s, f.offset);
    return s;
  }
  s += f.symbol;
  s += "+0x";
  append_hex(&s, f.offset);
  s += "/0x";
  append_hex(&s, f.size);
  if (with_module && !f.module.empty()) {
    s += " [";
    s += f.module;
    s += ']';
  }
  return s;
}

std::string Annotation::symbols_list() const {
  std::string s;
  for (const FoundAddress& f : found) {
    if (!f.resolved) continue;
    if (!s.empty()) s += ' ';
    s += format_kernel_symbol(f, true);
  }
  return s;
}

bool Annotator::has_candidate(std::string_view text, bool registers) {
  return text.find("[<") != std::string_view::npos || text.find("0x") != std::string_view::npos ||
         (registers && text.find(": ") != std::string_view::npos);
}

Annotation Annotator::annotate(std::string_view text) const {
  Annotation result;
  if (options_.style == AnnotationStyle::kNone) {  // -x: nothing named, but still hidden
    if (options_.hide_addresses)
      result.changed = mask_kernel_addresses(text, options_.kernel_bits, &result.text);
    else
      result.text.assign(text);
    return result;
  }
  // The panic's "Kernel Offset: 0x1be00000 from 0xffffffff81000000" is the slide's own evidence,
  // and its addresses are not code: the line stays as the kernel wrote it (or masked).
  std::vector<AddressToken> tokens;
  if (has_candidate(text, options_.registers) &&
      text.find("Kernel Offset: ") == std::string_view::npos)
    scan(text, options_.registers, &tokens);
  if (tokens.empty()) {
    if (options_.hide_addresses)
      result.changed = mask_kernel_addresses(text, options_.kernel_bits, &result.text);
    else
      result.text.assign(text);
    return result;
  }

  bool questionable = false;
  bool trace_entry = tokens.size() == 1 && tokens[0].kind == AddressToken::kHex0x &&
                     is_trace_entry(text, &questionable);
  const bool keep = options_.style == AnnotationStyle::kKeep && !options_.hide_addresses;

  std::string out;
  out.reserve(text.size() + 64 * tokens.size());
  std::string notes;
  bool used_core = false;
  size_t pos = 0;
  for (const AddressToken& tok : tokens) {
    FoundAddress f;
    f.address = tok.address;
    f.return_address = trace_entry;
    f.form = tok.kind == AddressToken::kBracketed  ? "bracketed"
             : tok.kind == AddressToken::kRegister ? "register"
             : trace_entry                         ? (questionable ? "trace?" : "trace")
                                                   : "0x";
    auto r =
        trace_entry ? symbolizer_->resolve_return(tok.address) : symbolizer_->resolve(tok.address);
    std::string_view original = text.substr(tok.begin, tok.end - tok.begin);
    out.append(text.substr(pos, tok.begin - pos));
    pos = tok.end;
    if (!r) {
      if (tok.kind != AddressToken::kRegister && tok.address >= 0xffffffffa0000000ull &&
          tok.address < 0xffffffffff000000ull)
        result.module_miss = true;
      out.append(original);  // hidden below, with everything else, when hiding
      result.found.push_back(std::move(f));
      continue;
    }
    f.resolved = true;
    f.symbol.assign(r->symbol);
    f.module.assign(r->module);
    f.offset = r->offset;
    f.size = r->size;
    f.via = r->via;
    if (r->via == ResolvedVia::kCoreMap) used_core = true;
    result.changed = result.translated = true;

    if (tok.kind == AddressToken::kRegister) {
      out.append(original);
      notes += notes.empty() ? "  {" : ", ";
      notes.append(tok.reg);
      notes += ": ";
      notes += format_kernel_symbol(f, true);
    } else if (keep) {
      out.append(original);
      out += " (";
      out += format_kernel_symbol(f, true);
      out += ')';
    } else if (tok.kind == AddressToken::kBracketed) {
      // sysklogd klogd: "%s+0x%x/0x%02x]" over "<ADDR>]", module symbols as "module:symbol".
      out += '[';
      if (f.symbol.empty()) {
        out += format_kernel_symbol(f, false);
      } else {
        if (!f.module.empty()) {
          out += f.module;
          out += ':';
        }
        out += f.symbol;
        out += "+0x";
        append_hex(&out, f.offset);
        out += "/0x";
        append_hex(&out, f.size, 2);
      }
      out += ']';
    } else if (f.symbol.empty()) {
      out.append(original);
      out += " [";
      out += format_kernel_symbol(f, false);
      out += ']';
    } else {
      out += format_kernel_symbol(f, true);
    }
    result.found.push_back(std::move(f));
  }
  out.append(text.substr(pos));
  if (!notes.empty()) {
    out += notes;
    out += '}';
  }
  if (used_core && options_.mark_unverified && !symbolizer_->core().verified)
    out += kUnverifiedMark;
  if (options_.hide_addresses) {
    result.changed =
        mask_kernel_addresses(out, options_.kernel_bits, &result.text) || result.changed;
  } else {
    result.text = std::move(out);
  }
  return result;
}

bool Annotator::hide(std::string_view text, std::string* out) const {
  if (!options_.hide_addresses) {
    out->append(text);
    return false;
  }
  return mask_kernel_addresses(text, options_.kernel_bits, out);
}

}  // namespace klogd
