// Rank correlations: how alike two orderings of the same designs are (a proxy against synthesized
// area, one hardware point against another). Ties share their mean rank (Spearman) or count as
// neither concordant nor discordant (Kendall's tau-b). Undefined (NaN) with fewer than two values
// or when one side is constant: no ordering to compare, which is not the same as no correlation.
#pragma once

#include <vector>

namespace pixforge::optimizer {

// The ranks of `v`, 0-based, ties at their mean rank.
std::vector<double> ranks(const std::vector<double>& v);
double spearman(const std::vector<double>& a, const std::vector<double>& b);
double kendall_tau_b(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace pixforge::optimizer
