#include "annotate/source_lines.h"

#include <algorithm>

#include "util/hex.h"

namespace klogd {
namespace {

// "(fs/read_write.c:584)" right after a frame: a kernel that prints locations itself.
bool located_already(std::string_view rest) {
  if (!rest.starts_with(" (")) return false;
  size_t close = rest.find(')');
  if (close == std::string_view::npos) return false;
  std::string_view in = rest.substr(2, close - 2);
  size_t colon = in.rfind(':');
  return colon != std::string_view::npos && colon + 1 < in.size() &&
         in.find(' ') == std::string_view::npos &&
         std::all_of(in.begin() + static_cast<long>(colon) + 1, in.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool is_pc_line(std::string_view t) {
  static_assert(kPcLineMarks[3] == "WARNING: ", "the one mark that needs \" at \" after it");
  for (size_t k = 0; k < 3; ++k)
    if (t.find(kPcLineMarks[k]) != std::string_view::npos) return true;
  return t.find(kPcLineMarks[3]) != std::string_view::npos &&
         t.find(" at ") != std::string_view::npos;
}

bool SourceLines::add(const std::string& path, std::string* err, std::string_view build_id) {
  return add_as(path, module_of_debug_file(path), err, build_id);
}

bool SourceLines::add_as(const std::string& path, std::string_view module, std::string* err,
                         std::string_view build_id) {
  auto d = DebugInfo::open(path, err);
  if (!d) return false;
  if (!build_id.empty() && d->build_id() != build_id) {
    *err = path + " is not the running kernel's: its build ID is " +
           (d->build_id().empty() ? std::string("none") : d->build_id()) + ", the kernel's " +
           std::string(build_id);
    return false;
  }
  if (!module.empty())
    modules_[module_key(module)] = std::move(d);
  else
    core_ = std::move(d);
  return true;
}

bool SourceLines::has_module(std::string_view module) const {
  return modules_.count(module_key(module)) > 0;
}

const DebugInfo* SourceLines::file_for(const PrintedSymbol& s) const {
  if (s.module.empty()) return core_.get();
  auto it = modules_.find(module_key(s.module));
  return it == modules_.end() ? nullptr : it->second.get();
}

void SourceLines::drop(const std::string& path) {
  if (core_ && core_->path() == path) core_.reset();
  std::erase_if(modules_, [&](const auto& m) { return m.second->path() == path; });
}

bool SourceLines::check(const std::vector<PrintedSymbol>& printed, std::string* err,
                        std::string* file) const {
  for (const PrintedSymbol& p : printed) {
    const DebugInfo* d = file_for(p);
    if (!d || p.module == "?") continue;
    if (file) *file = d->path();
    if (!p.build_id.empty() && !d->build_id().empty() && p.build_id != d->build_id()) {
      *err = d->path() + " is not the crashed kernel's " + p.module + ": the log printed build ID " +
             p.build_id + ", the file's is " + d->build_id();
      return false;
    }
    // Only positive evidence refuses a file: a function it holds with other sizes. A name it
    // does not hold, or data of another size, leaves that frame without a line, nothing more.
    if (d->match(p.name, p.size) == DebugInfo::Match::kFunctionOfOtherSize) {
      *err = d->path() + " is not the crashed kernel's: the log printed " + p.name + "/" +
             hex0x(p.size) + ", a function it holds with another size";
      return false;
    }
  }
  return true;
}

std::vector<FrameSource> SourceLines::printed_frames(std::string_view text) {
  std::vector<FrameSource> out;
  const bool pc = is_pc_line(text);
  for (PrintedSymbol& s : find_printed_symbols(text)) {
    // klogd 1.5's style for module frames, "[mod:name+0x1/0x2]": the module before the ':',
    // the location after the ']'
    if (s.begin > 1 && text[s.begin - 1] == ':') {
      size_t open = text.rfind('[', s.begin - 1);
      if (open != std::string_view::npos && s.end < text.size() && text[s.end] == ']') {
        s.module.assign(text.substr(open + 1, s.begin - 2 - open));
        s.end += 1;
      }
    }
    FrameSource f;
    f.return_address = !pc;
    f.symbol = std::move(s);
    out.push_back(std::move(f));
  }
  return out;
}

void SourceLines::locate(FrameSource* f) const {
  const DebugInfo* d = file_for(f->symbol);
  if (!d) return;
  auto at = d->symbol_address(f->symbol.name, f->symbol.size);
  if (!at) return;
  uint64_t address = *at + f->symbol.offset;
  if (f->return_address && f->symbol.offset > 0) --address;  // the call, not the line after it
  f->source = d->locate(address);
}

std::vector<FrameSource> SourceLines::frames(std::string_view text) const {
  std::vector<FrameSource> out = printed_frames(text);
  for (FrameSource& f : out) locate(&f);
  return out;
}

std::string SourceLines::decorate(std::string_view text, const std::vector<FrameSource>& frames) {
  std::string out;
  size_t copied = 0;
  for (const FrameSource& f : frames) {
    if (f.source.empty() || located_already(text.substr(f.symbol.end))) continue;
    out.append(text.substr(copied, f.symbol.end - copied));
    copied = f.symbol.end;
    // outermost (the function the frame names) first
    const SourceLocation& own = f.source.back();
    out += " (" + own.file + ":" + std::to_string(own.line);
    for (size_t i = f.source.size() - 1; i-- > 0;) {
      const SourceLocation& in = f.source[i];
      out += ", inlined " + in.function + " " + in.file + ":" + std::to_string(in.line);
    }
    out += ")";
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace klogd
