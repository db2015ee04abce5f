#include "log_decoder.h"

#include <cstdio>
#include <map>

#include "symbols/kaslr.h"
#include "symbols/map_check.h"
#include "symbols/module_table.h"
#include "symbols/printed_symbols.h"
#include "util/hex.h"
#include "util/text.h"

namespace klogd {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Each line of the log with its form; a " KEY=value" line is a dictionary line only after a
// raw record.
template <typename Fn>
void for_each_log_line(std::string_view log, Fn fn) {
  bool after_kmsg = false;
  for_each_line(log, [&](std::string_view line, size_t line_no) {
    LogLine l = split_log_line(line, after_kmsg);
    after_kmsg = l.form == LogLine::Form::kKmsgRecord || l.form == LogLine::Form::kKmsgDictionary;
    fn(line_no, line, l);
  });
}

// "prio,seq,ts[,flags...];"
bool kmsg_header(std::string_view line, size_t* semi) {
  size_t s = line.find(';');
  if (s == std::string_view::npos || s > 128) return false;
  std::string_view h = line.substr(0, s);
  int commas = 0;
  size_t i = 0;
  for (; i < h.size(); ++i) {
    if (h[i] == ',') {
      if (++commas == 3) break;
    } else if (!is_digit(h[i])) {
      return false;
    }
  }
  if (commas < 2) return false;
  *semi = s;
  return true;
}

bool is_month(std::string_view s) {
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (const char* m : months)
    if (s.starts_with(m)) return true;
  return false;
}

}  // namespace

LogLine split_log_line(std::string_view line, bool after_kmsg_record) {
  LogLine l;
  l.text = line;
  if (line.empty()) return l;
  size_t semi = 0;
  if (after_kmsg_record && line[0] == ' ' && line.find('=') != std::string_view::npos &&
      line.size() > 2 && line[1] >= 'A' && line[1] <= 'Z') {
    l.form = LogLine::Form::kKmsgDictionary;
    l.prefix = line;
    l.text = {};
    return l;
  }
  if (is_digit(line[0]) && kmsg_header(line, &semi)) {
    l.form = LogLine::Form::kKmsgRecord;
    l.prefix = line.substr(0, semi + 1);
    l.text = line.substr(semi + 1);
    return l;
  }
  if (line[0] == '[') {
    // "[    2.395438] ", "[    1.146753][    T1] ", "[Fri Nov 27 17:14:58 2026] "
    size_t close = line.find(']');
    if (close != std::string_view::npos && close < 40) {
      size_t end = close + 1;
      if (end < line.size() && line[end] == '[') {
        size_t c2 = line.find(']', end);
        if (c2 != std::string_view::npos && c2 - end < 16) end = c2 + 1;
      }
      if (end < line.size() && line[end] == ' ') ++end;
      l.form = LogLine::Form::kDmesg;
      l.prefix = line.substr(0, end);
      l.text = line.substr(end);
      return l;
    }
  }
  // "Nov 25 02:00:00 host kernel: " or "2026-11-25T02:00:00+0000 host kernel: "
  if (is_month(line) || (line.size() > 10 && is_digit(line[0]) && line[4] == '-')) {
    size_t k = line.find(" kernel: ");
    size_t klen = 9;
    if (k == std::string_view::npos) {
      k = line.find(" kernel[");
      if (k != std::string_view::npos) {
        size_t c = line.find("]: ", k);
        klen = c == std::string_view::npos ? 0 : c + 3 - k;
      }
    }
    if (k != std::string_view::npos && klen && k < 120) {
      l.form = LogLine::Form::kSyslog;
      l.prefix = line.substr(0, k + klen);
      l.text = line.substr(k + klen);
      return l;
    }
  }
  return l;
}

bool prepare_decode(const DecodeInputs& in, std::string_view log, DecodeSetup* setup,
                    std::string* err) {
  auto& notes = setup->notes;
  // The crashed machine's files; nothing is read from the running system.
  std::shared_ptr<SymbolTable> kallsyms;
  if (!in.kallsyms_path.empty()) {
    auto k = std::make_shared<SymbolTable>();
    std::string kerr;
    if (k->load_file(in.kallsyms_path, &kerr))
      kallsyms = k;
    else
      notes.push_back("kallsyms: " + kerr + ": used for module symbols only");
  }
  std::shared_ptr<SymbolTable> map;
  if (!in.map_path.empty()) {
    map = std::make_shared<SymbolTable>();
    if (!map->load_file(in.map_path, err)) return false;
    for (const auto& b : map->report().first_bad) notes.push_back("map: skipped " + b);
  }
  if (!in.modules_path.empty() || !in.kallsyms_path.empty()) {
    auto modules = std::make_shared<ModuleTable>();
    if (!modules->load_files(in.modules_path, in.kallsyms_path, err)) return false;
    if (modules->hidden_bases())
      notes.push_back("modules: base addresses read 0 in " + in.modules_path +
                      ": those modules stay untranslated");
    setup->symbolizer.set_modules(modules);
  }

  // Evidence in the log itself.
  std::optional<int64_t> kernel_offset;
  bool cmdline_nokaslr = false;
  std::string log_release;
  std::vector<PrintedSymbol> printed;
  std::vector<std::pair<uint64_t, PrintedSymbol>> pairs;
  for_each_log_line(log, [&](size_t, std::string_view, const LogLine& l) {
    std::string_view t = l.text;
    if (auto off = parse_kernel_offset_line(t)) kernel_offset = off;
    if (t.starts_with("Command line:") &&
        (std::string(t) + " ").find(" nokaslr ") != std::string::npos)
      cmdline_nokaslr = true;
    if (t.starts_with("Linux version ")) {
      std::string_view r = t.substr(14);
      log_release.assign(r.substr(0, r.find(' ')));
    }
    if (t.find("+0x") == std::string_view::npos) return;
    auto ps = find_printed_symbols(t);
    auto raws = find_address_tokens(t, /*registers=*/false);
    if (raws.size() == 1) {
      for (const auto& p : ps)
        if (p.module.empty()) pairs.emplace_back(raws[0].address, p);
    }
    printed.insert(printed.end(), ps.begin(), ps.end());
  });

  CoreSymbols core;
  core.verified = true;
  if (!map && kallsyms) {
    core.table = kallsyms;
    core.slide = 0;
    setup->slide_source = "none needed: the kallsyms file holds runtime addresses";
    core.description = in.kallsyms_path;
  } else if (map) {
    core.table = map;
    core.description = in.map_path;
    bool checked = false;
    // 1. content check against the supplied kallsyms
    if (kallsyms) {
      ContentCheck c = check_map_against_kallsyms(*map, *kallsyms);
      checked = true;
      if (!c.ok) {
        std::string msg = in.map_path + " does not belong to the kernel of " + in.kallsyms_path +
                          ": " + c.summary();
        if (!in.force) {
          *err = msg + " (--force-map to use it anyway)";
          return false;
        }
        notes.push_back(msg + " (forced)");
        core.verified = false;
      } else {
        notes.push_back("map check: " + c.summary());
      }
      if (!in.kaslr_offset && c.ok) {
        core.slide = c.slide;
        setup->slide_source = "kallsyms _text - map _text";
      }
    }
    // 2. the symbols the kernel printed must exist with the same size
    PrintedCheck pc = check_printed_symbols(printed, *map);
    if (pc.checked > 0) {
      checked = true;
      if (pc.agreed * 10 < pc.checked * 9) {
        std::string msg = in.map_path + " is not the map of the kernel that wrote this log: " +
                          std::to_string(pc.checked - pc.agreed) + " of " +
                          std::to_string(pc.checked) + " symbols it printed disagree (" +
                          pc.disagreement + ")";
        if (!in.force) {
          *err = msg + " (--force-map to use it anyway)";
          return false;
        }
        notes.push_back(msg + " (forced)");
        core.verified = false;
      } else {
        notes.push_back("map check: " + std::to_string(pc.agreed) + "/" +
                        std::to_string(pc.checked) + " symbols printed by the kernel agree");
      }
    }
    // 3. the release in the log against the map's file name
    if (!log_release.empty()) {
      std::string base = in.map_path.substr(in.map_path.rfind('/') + 1);
      if (base.starts_with("System.map-")) {
        std::string map_release = base.substr(11);
        if (map_release != log_release) {
          std::string msg = in.map_path + " is for release " + map_release +
                            ", the log says Linux version " + log_release;
          if (!in.force) {
            *err = msg + " (--force-map to use it anyway)";
            return false;
          }
          notes.push_back(msg + " (forced)");
          core.verified = false;
        } else {
          checked = true;
          notes.push_back("map check: release " + map_release + " matches the log");
        }
      }
    }
    if (!checked) {
      core.verified = false;
      notes.push_back("map check: nothing to check " + in.map_path +
                      " against (no kallsyms, no symbol printed by the kernel): unverified, "
                      "translated lines are marked");
    }
  }

  // Slide, strongest evidence first.
  if (core.table && setup->slide_source.empty()) {
    if (in.kaslr_offset) {
      core.slide = *in.kaslr_offset;
      setup->slide_source = "--kaslr-offset";
    } else if (kernel_offset) {
      core.slide = *kernel_offset;
      setup->slide_source = "the log's Kernel Offset line";
    } else if (cmdline_nokaslr) {
      core.slide = 0;
      setup->slide_source = "nokaslr on the log's Command line";
    } else {
      // Same-line pairs: raw address - (map address of the printed symbol + offset).
      std::map<int64_t, size_t> votes;
      for (const auto& [raw, p] : pairs)
        for (uint64_t a : map->addresses_of(p.name))
          votes[static_cast<int64_t>(raw - (a + p.offset))]++;
      std::optional<int64_t> best;
      size_t best_votes = 0;
      for (const auto& [slide, n] : votes) {
        if (n > best_votes) {
          best = slide;
          best_votes = n;
        }
      }
      if (best && best_votes * 2 > pairs.size()) {
        core.slide = *best;
        setup->slide_source =
            "raw addresses printed beside their symbols (" + std::to_string(best_votes) + " pairs)";
      } else {
        core.slide_known = false;
        setup->slide_source = "none";
        notes.push_back(
            "no KASLR slide evidence (no kallsyms file, no Kernel Offset line, no nokaslr, no "
            "raw address printed beside its symbol): core kernel addresses are left as they "
            "are; give --kaslr-offset HEX if you know it");
      }
    }
  }
  if (core.table && core.slide_known)
    notes.push_back("slide " + signed_hex(core.slide) + " from " + setup->slide_source);
  setup->symbolizer.set_core(core);
  return true;
}

void decode_log(std::string_view log, const Annotator& annotator, const DecodeOutput& how,
                std::string* out) {
  for_each_log_line(log, [&](size_t line_no, std::string_view line, const LogLine& l) {
    if (l.form == LogLine::Form::kKmsgDictionary) {
      if (!how.json) {
        out->append(line);
        out->push_back('\n');
      }
      return;
    }
    Annotation a = annotator.annotate(l.text);
    if (how.json) {
      *out += "{\"line\":" + std::to_string(line_no) + ",\"text\":";
      append_json_string(line, out);
      *out += ",\"annotated\":";
      std::string annotated(l.prefix);
      annotated += a.text;
      append_json_string(annotated, out);
      *out += ",\"addresses\":[";
      bool first = true;
      for (const FoundAddress& f : a.found) {
        if (!first) out->push_back(',');
        first = false;
        *out += "{\"address\":\"" + hex16(f.address) + "\",\"form\":\"" + f.form +
                "\",\"resolved\":" + (f.resolved ? "true" : "false");
        if (f.resolved) {
          *out += ",\"symbol\":";
          append_json_string(f.symbol, out);
          *out += ",\"offset\":" + std::to_string(f.offset) +
                  ",\"size\":" + std::to_string(f.size) + ",\"module\":";
          append_json_string(f.module, out);
          *out += ",\"via\":\"" + std::string(to_string(f.via)) + "\"";
          *out += ",\"printed\":";
          append_json_string(format_kernel_symbol(f, true), out);
        }
        out->push_back('}');
      }
      *out += "]}\n";
      return;
    }
    out->append(l.prefix);
    out->append(a.text);
    out->push_back('\n');
    if (how.twice && a.changed) {
      out->append(line);
      out->push_back('\n');
    }
  });
}

}  // namespace klogd
