#include "decode/saved_log.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "decode/log_line.h"
#include "pstore/pstore_record.h"
#include "util/fd_io.h"
#include "util/file_buffer.h"

namespace klogd {
namespace {

// "<4>[    2.907674] text": a dump's line as pstore writes it ("[...]" alone when it printed
// no level: kdump's, the console record's).
void append_line(const PstoreLine& l, std::string* out) {
  char stamp[48];
  if (l.has_level)
    std::snprintf(stamp, sizeof stamp, "<%d>[%5llu.%06llu] ", l.facility * 8 + l.level,
                  static_cast<unsigned long long>(l.ts_usec / 1000000),
                  static_cast<unsigned long long>(l.ts_usec % 1000000));
  else
    std::snprintf(stamp, sizeof stamp, "[%5llu.%06llu] ",
                  static_cast<unsigned long long>(l.ts_usec / 1000000),
                  static_cast<unsigned long long>(l.ts_usec % 1000000));
  *out += stamp;
  *out += l.text;
  out->push_back('\n');
}

// How many lines are in a form log_line knows (anything but bare text).
size_t known_lines(std::string_view text, size_t* lines) {
  size_t known = 0;
  for_each_log_line(text, [&](size_t, std::string_view line, const LogLine& l) {
    if (line.empty()) return;
    ++*lines;
    known += l.form != LogLine::Form::kBare;
  });
  return known;
}

}  // namespace

bool read_saved_log(const std::string& path, SavedLog* out, std::string* err) {
  std::error_code ec;
  if (path != "-" && std::filesystem::is_directory(path, ec)) {
    out->kind = SavedLog::Kind::kPstore;
    out->form = "folder";
    out->pstore = read_pstore(path);
    for (const PstoreRecord& d : out->pstore.dumps) {
      out->text += d.name + ":\n";
      for (const PstoreLine& l : d.lines) append_line(l, &out->text);
    }
    if (out->pstore.dumps.empty())
      out->notes.push_back(path + ": a folder without a pstore record or kdump log in it");
    return true;
  }
  if (path == "-") {
    if (!read_all(STDIN_FILENO, &out->text)) {
      *err = std::string("standard input: ") + std::strerror(errno);
      return false;
    }
  } else {
    FileBuffer fb;
    if (!fb.load(path, err)) return false;
    out->text.assign(fb.view());
  }
  const std::string name = path == "-" ? "standard input" : path;
  DumpForm form = dump_form(std::string_view(out->text).substr(0, 4096));
  if (form == DumpForm::kBinary) {
    std::string inflated, why;
    if (inflate_pstore(out->text, &inflated, &why) &&
        dump_form(std::string_view(inflated).substr(0, 4096)) == DumpForm::kPstoreRecord) {
      if (!why.empty()) out->notes.push_back(name + ": " + why + " (the text before it is kept)");
      out->text = std::move(inflated);
      form = DumpForm::kPstoreRecord;
      out->form = "compressed pstore record";
    } else {
      out->form = "binary";
      out->notes.push_back(name +
                           ": binary data, not a kernel log in a form klogd knows; decoded line "
                           "by line as it is");
      return true;
    }
  }
  if (form == DumpForm::kPstoreRecord || form == DumpForm::kPstoreArchive) {
    out->kind = SavedLog::Kind::kPstore;
    if (form == DumpForm::kPstoreArchive) {
      out->form = "pstore archive";
      out->pstore.dumps = parse_pstore_dmesg_txt(out->text);
    } else {
      if (std::string_view(out->form) != "compressed pstore record") out->form = "pstore record";
      PstoreRecord r;
      std::string why;
      // its label is not the file's name: nothing in the output may depend on the name
      if (parse_pstore_record("record", out->text, &r, &why))
        out->pstore.dumps.push_back(std::move(r));
      if (!why.empty()) out->notes.push_back(why);
    }
    out->pstore.files = 1;
    out->pstore.dumps = join_pstore_dumps(std::move(out->pstore.dumps));
    return true;
  }
  size_t lines = 0;
  if (known_lines(out->text, &lines) == 0 && lines > 0)
    out->notes.push_back(name +
                         ": no line in a form klogd knows (dmesg, a console capture, /dev/kmsg "
                         "records, journalctl or syslog, pstore, kdump): read as bare text");
  return true;
}

}  // namespace klogd
