#include "rtl_gen/synthesis/boolean_function.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "core/error.hpp"

namespace pixforge::rtl {

// Recursive descent; emits postfix code into the function's program.
class ExpressionParser {
  public:
    ExpressionParser(const std::string& text, const std::vector<std::string>& vars, const std::string& where,
                     BooleanFunction& f)
        : text_(text), vars_(vars), where_(where), f_(f) {}

    void parse() {
        parse_or();
        skip();
        if (pos_ != text_.size()) fail("unexpected text");
    }

  private:
    using Op = BooleanFunction::Op;
    [[noreturn]] void fail(const std::string& what) const {
        throw PixError("LIB-005", fmt::format("{}: cannot read the function \"{}\" at column {}: {}", where_,
                                              text_, pos_ + 1, what));
    }
    void skip() {
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    }
    char peek() {
        skip();
        return pos_ < text_.size() ? text_[pos_] : '\0';
    }
    static bool name_char(char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '[' || c == ']' || c == '.';
    }
    void emit(Op op, int operand = 0) { f_.program_.push_back({op, operand}); }

    void parse_or() {
        parse_and();
        while (peek() == '|' || peek() == '+') {
            ++pos_;
            parse_and();
            emit(Op::Or);
        }
    }
    void parse_and() {
        parse_xor();
        while (true) {
            const char c = peek();
            if (c == '&' || c == '*') {
                ++pos_;
            } else if (!(c == '(' || c == '!' || name_char(c))) {
                return;  // juxtaposition means AND when another operand follows
            }
            parse_xor();
            emit(Op::And);
        }
    }
    void parse_xor() {
        parse_unary();
        while (peek() == '^') {
            ++pos_;
            parse_unary();
            emit(Op::Xor);
        }
    }
    void parse_unary() {
        const char c = peek();
        if (c == '!') {
            ++pos_;
            parse_unary();
            emit(Op::Not);
        } else if (c == '(') {
            ++pos_;
            parse_or();
            if (peek() != ')') fail("expected ')'");
            ++pos_;
        } else if (name_char(c)) {
            const size_t start = pos_;
            while (pos_ < text_.size() && name_char(text_[pos_])) ++pos_;
            const std::string name = text_.substr(start, pos_ - start);
            if (name == "0") {
                emit(Op::Const0);
            } else if (name == "1") {
                emit(Op::Const1);
            } else {
                auto it = std::find(vars_.begin(), vars_.end(), name);
                if (it == vars_.end()) fail(fmt::format("'{}' is not a pin or state of the cell", name));
                const int v = static_cast<int>(it - vars_.begin());
                emit(Op::Push, v);
                if (std::find(f_.used_.begin(), f_.used_.end(), v) == f_.used_.end()) f_.used_.push_back(v);
            }
        } else {
            fail("expected a pin name, a constant, '!' or '('");
        }
        while (peek() == '\'') {
            ++pos_;
            emit(Op::Not);
        }
    }

    const std::string& text_;
    const std::vector<std::string>& vars_;
    const std::string& where_;
    BooleanFunction& f_;
    size_t pos_ = 0;
};

BooleanFunction::BooleanFunction(const std::string& expression, const std::vector<std::string>& variables,
                                 const std::string& where) {
    ExpressionParser(expression, variables, where, *this).parse();
    int depth = 0, deepest = 0;
    for (const Step& s : program_) {
        depth +=
            (s.op == Op::Push || s.op == Op::Const0 || s.op == Op::Const1) ? 1 : (s.op == Op::Not ? 0 : -1);
        deepest = std::max(deepest, depth);
    }
    if (deepest > 64 || depth != 1)
        throw PixError("LIB-005",
                       fmt::format("{}: the function \"{}\" is too deep to evaluate", where, expression));
}

bool BooleanFunction::eval(const std::uint8_t* values, const std::uint32_t* index) const {
    std::uint8_t stack[64];
    int top = 0;
    for (const Step& s : program_) {
        switch (s.op) {
            case Op::Push:
                stack[top++] = values[index[s.operand]];
                break;
            case Op::Const0:
                stack[top++] = 0;
                break;
            case Op::Const1:
                stack[top++] = 1;
                break;
            case Op::Not:
                stack[top - 1] ^= 1;
                break;
            case Op::And:
                --top, stack[top - 1] &= stack[top];
                break;
            case Op::Or:
                --top, stack[top - 1] |= stack[top];
                break;
            case Op::Xor:
                --top, stack[top - 1] ^= stack[top];
                break;
        }
    }
    return stack[0] != 0;
}

}  // namespace pixforge::rtl
