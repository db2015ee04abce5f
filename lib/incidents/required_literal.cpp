#include "incidents/required_literal.h"

namespace klogd {

std::string required_literal(std::string_view p) {
  int depth = 0;
  for (size_t i = 0; i < p.size(); ++i) {  // an alternation at the top level: nothing is sure
    if (p[i] == '\\')
      ++i;
    else if (p[i] == '(')
      ++depth;
    else if (p[i] == ')')
      --depth;
    else if (p[i] == '|' && depth == 0)
      return {};
  }
  std::string best, run;
  auto end_run = [&](bool last_optional) {
    if (last_optional && !run.empty()) run.pop_back();
    if (run.size() > best.size()) best = run;
    run.clear();
  };
  depth = 0;
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (in_class) {
      if (c == '\\')
        ++i;
      else if (c == ']')
        in_class = false;
      continue;
    }
    if (c == '\\') {  // an escape: a class (\d) or a character; either way the run ends
      end_run(false);
      ++i;
      continue;
    }
    if (c == '(' || c == ')' || c == '[' || c == '{' || c == '.' || c == '^' || c == '$' ||
        c == '|' || c == '?' || c == '*' || c == '+') {
      // a quantifier makes the character before it optional ('{' may be a placeholder:
      // dropping it anyway is only more careful)
      end_run(c == '?' || c == '*' || c == '{' || c == '+');
      if (c == '(') ++depth;
      if (c == ')') --depth;
      if (c == '[') in_class = true;
      if (c == '{') {  // a {{PLACEHOLDER}} or a {m,n} count: skipped whole
        size_t close = p.find(p.substr(i, 2) == "{{" ? "}}" : "}", i);
        i = close == std::string_view::npos ? p.size() : close + (p.substr(close, 2) == "}}");
      }
      continue;
    }
    if (depth == 0) run.push_back(c);
  }
  end_run(false);
  return best;
}

}  // namespace klogd
