// A Liberty Boolean expression ("(!(A B))", "A^B", "(A*B)+C'", "IQ") compiled into a small stack
// program over named variables. Precedence, highest first: ! and postfix ', ^, AND (& * or
// juxtaposition), OR (| +). Constants 0 and 1. LIB-005 for an expression it cannot read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pixforge::rtl {

class BooleanFunction {
  public:
    // `variables` are the names the expression may use; their position is the operand index.
    BooleanFunction(const std::string& expression, const std::vector<std::string>& variables,
                    const std::string& where);
    // Evaluates with operand i = values[index[i]].
    bool eval(const std::uint8_t* values, const std::uint32_t* index) const;
    const std::vector<int>& used_variables() const { return used_; }

  private:
    enum class Op : std::uint8_t { Push, Const0, Const1, Not, And, Or, Xor };
    struct Step {
        Op op;
        int operand;
    };
    std::vector<Step> program_;
    std::vector<int> used_;
    friend class ExpressionParser;
};

}  // namespace pixforge::rtl
