#include "pipeline/symbol_keeper.h"

#include <linux/netlink.h>

#include <cstdio>
#include <optional>

#include "kmsg/uevent.h"
#include "symbols/kaslr.h"
#include "util/hex.h"
#include "util/kernel_access.h"

namespace klogd {

namespace asio = boost::asio;

SymbolKeeper::SymbolKeeper(asio::io_context& io, Symbolizer* symbolizer, SymbolKeeperOptions o,
                           std::function<void(const Notes&)> log)
    : io_(io), symbolizer_(symbolizer), o_(std::move(o)), log_(std::move(log)), uevents_(io) {}

SymbolKeeper::~SymbolKeeper() { stop(); }

bool SymbolKeeper::load(std::string* err) {
  Notes notes;
  if (!o_.translate) {
    notes.info("symbols: translation off (-x)");
    log_(notes);
    return true;
  }
  MapSelection sel;
  bool selected = select_map(map_search_options(o_.symbols, &notes), &sel, err);
  if (!selected) {
    *err = "map: " + *err;
    log_(notes);
    return false;
  }
  for (const auto& c : sel.candidates)
    notes.add(c.exists ? Note::Level::kInfo : Note::Level::kDebug,
              "map candidate " + c.path + ": " + c.verdict);
  if (sel.table) {
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.1f", sel.check_ms);
    notes.info(
        "map: using " + sel.chosen + " (" + std::string(to_string(sel.trust)) + "), " +
        std::to_string(sel.table->size()) + " symbols, slide " +
        (sel.slide ? describe_slide(*sel.slide, o_.symbols.hide_slide) : std::string("unknown")) +
        ", " + ms + " ms");
    if (!sel.slide) notes.warn("map: " + sel.slide_source);
  } else {
    notes.warn("map: no usable System.map and kallsyms unavailable (" + sel.kallsyms_note +
               (sel.kallsyms_hidden ? "; " + kernel_pointer_access_hint() : std::string()) +
               "): core kernel addresses stay untranslated");
  }
  symbolizer_->set_core(sel.core());
  std::string module_lines;
  if (sel.kallsyms) module_lines = sel.kallsyms->module_lines();
  symbolizer_->set_modules(
      load_modules(o_.symbols.paths, &notes, sel.kallsyms ? &module_lines : nullptr));
  log_(notes);
  return true;
}

void SymbolKeeper::listen_uevents() {
  if (!o_.translate) return;
  boost::system::error_code ec;
  uevents_.open(asio::generic::raw_protocol(AF_NETLINK, NETLINK_KOBJECT_UEVENT), ec);
  sockaddr_nl nl{};
  nl.nl_family = AF_NETLINK;
  nl.nl_groups = 1;
  if (!ec) uevents_.bind(asio::generic::raw_protocol::endpoint(&nl, sizeof nl), ec);
  if (ec) {
    Notes n;
    n.warn("uevents: " + ec.message() +
           ": module changes are noticed only on a lookup miss or a signal");
    log_(n);
    return;
  }
  receive_uevent();
}

void SymbolKeeper::receive_uevent() {
  uevents_.async_receive(
      asio::buffer(uevent_buffer_), [this](boost::system::error_code ec, size_t n) {
        if (ec) return;
        Uevent e;
        if (parse_uevent(std::string_view(uevent_buffer_.data(), n), &e) && is_module_change(e)) {
          Notes notes;
          // every module a boot loads does this: at debug level, not the daemon's news
          notes.debug("uevent: module " + e.devpath.substr(e.devpath.rfind('/') + 1) + " " +
                      (e.action == "add" ? "loaded" : "unloaded") + ": reloading module symbols");
          log_(notes);
          reload(false, false);
        }
        receive_uevent();
      });
}

void SymbolKeeper::reload(bool all, bool asked) {
  if (!o_.translate) return;
  if (reloading_) {
    pending_ = std::max(pending_, all ? Reload::kAll : Reload::kModules);
    pending_asked_ = pending_asked_ || asked;
    return;
  }
  reloading_ = true;
  if (worker_.joinable()) worker_.join();
  worker_ = std::thread([this, all, asked] {
    std::optional<MapSelection> sel;
    Notes notes;
    if (all) {
      MapSelection s;
      std::string err;
      Notes ignored;
      if (select_map(map_search_options(o_.symbols, &ignored), &s, &err))
        sel = std::move(s);
      else
        notes.error("reload: map: " + err);
    }
    Notes quiet;
    auto modules = load_modules(o_.symbols.paths, &quiet);
    asio::post(io_, [this, all, asked, sel = std::move(sel), modules, notes]() mutable {
      if (sel) symbolizer_->set_core(sel->core());
      symbolizer_->set_modules(modules);
      // said when a signal asked; a reload klogd made itself (a module loaded) at debug level
      notes.add(asked ? Note::Level::kInfo : Note::Level::kDebug,
                std::string("reload: ") +
                    (all ? "static map and modules reloaded" : "modules reloaded") + " (" +
                    std::to_string(modules->report().modules) + " modules, " +
                    std::to_string(modules->report().symbols) + " module symbols)");
      log_(notes);
      reloading_ = false;
      if (pending_ != Reload::kNone) {
        bool next_all = pending_ == Reload::kAll;
        bool next_asked = pending_asked_;
        pending_ = Reload::kNone;
        pending_asked_ = false;
        reload(next_all, next_asked);
      }
    });
  });
}

void SymbolKeeper::observe(const KmsgRecord& record) {
  if (!o_.translate) return;
  // klogd -p: fresh module symbols when an oops begins. klogd 1.5 reloaded synchronously on
  // every such line (42 ms each: a storm of them stalled the reader); here only the kernel's
  // own records count, at most once a second (once per report), on the worker thread.
  if (o_.paranoid && record.facility == 0 &&
      (record.text.find("Oops:") != std::string::npos ||
       record.text.find("BUG:") != std::string::npos)) {
    reload_modules_now_and_then(&last_paranoid_reload_,
                                "-p: an oops begins: reloading module symbols");
  }
  const CoreSymbols& core = symbolizer_->core();
  // kallsyms hidden: the kernel's own panic line gives the slide (x86_64, arm64). Only from the
  // kernel's records: what userspace wrote into /dev/kmsg arrives with another facility.
  if (!core.slide_known && core.table && record.facility == 0 &&
      record.text.find("Kernel Offset: ") != std::string::npos) {
    if (auto slide = parse_kernel_offset_line(record.text)) {
      CoreSymbols updated = core;
      updated.slide = *slide;
      updated.slide_known = true;
      symbolizer_->set_core(updated);
      Notes n;
      n.info("map: slide " + describe_slide(*slide, o_.symbols.hide_slide) +
             " from the log's Kernel Offset line");
      log_(n);
    }
  }
}

void SymbolKeeper::module_miss() {
  if (!o_.translate) return;
  // A module-area address nothing knows: the module tables may be stale.
  reload_modules_now_and_then(&last_miss_reload_,
                              "unresolved module address: reloading module symbols");
}

void SymbolKeeper::reload_modules_now_and_then(std::chrono::steady_clock::time_point* last,
                                               const char* why) {
  auto now = std::chrono::steady_clock::now();
  if (now - *last < std::chrono::seconds(1)) return;
  *last = now;
  Notes n;
  n.debug(why);
  log_(n);
  reload(false, false);
}

void SymbolKeeper::stop() {
  boost::system::error_code ec;
  uevents_.close(ec);
  if (worker_.joinable()) worker_.join();
}

}  // namespace klogd
