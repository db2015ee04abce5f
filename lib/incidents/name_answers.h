#pragma once
/// Answers about function names kept by the name: whether a frame is infrastructure, whether a
/// title rule skips it, whether it is a stall's entry point. A trace names the same few hundred
/// functions again and again (a stack overflow one recursion dozens of times), and each answer
/// is a regular expression's search (a few hundred ns: longer than the rest of the frame's
/// work), so answers are kept, up to a bound per question (then forgotten at once), and looked
/// up by the name as it stands in the line: no allocation for a name seen before.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace klogd {

class NameAnswers {
 public:
  explicit NameAnswers(size_t bound = 8192) : bound_(bound) {}
  /// The answer for `name` to the question `of` (a pattern): kept, or `compute(name)` once.
  template <typename Compute>
  bool get(const void* of, std::string_view name, Compute compute) {
    Answers& a = answers_of(of);
    auto it = a.find(name);
    if (it != a.end()) return it->second;
    if (a.size() >= bound_) a.clear();
    const bool answer = compute(name);
    a.emplace(std::string(name), answer);
    return answer;
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Answers = std::unordered_map<std::string, bool, Hash, std::equal_to<>>;
  Answers& answers_of(const void* of) {
    for (auto& [question, answers] : questions_)
      if (question == of) return *answers;
    questions_.emplace_back(of, std::make_unique<Answers>());
    return *questions_.back().second;
  }
  size_t bound_;
  std::vector<std::pair<const void*, std::unique_ptr<Answers>>> questions_;
};

}  // namespace klogd
