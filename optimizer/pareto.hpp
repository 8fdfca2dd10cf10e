// Pareto dominance, hypervolume and the box decomposition of the non-dominated region, for
// minimization. Hypervolume is exact in any dimension: a sweep for 2 objectives, recursive
// slicing (HSO) from 3 on, fast for the front sizes a study produces (tens to a few hundred).
#pragma once

#include <cstddef>
#include <vector>

namespace pixforge::optimizer {

using Vector = std::vector<double>;

bool dominates(const Vector& a, const Vector& b);  // a <= b everywhere, < somewhere
// Indices of the non-dominated points (duplicates kept once).
std::vector<std::size_t> pareto_indices(const std::vector<Vector>& points);
// Volume dominated by `points` and bounded by `reference` (points not below it are ignored).
double hypervolume(const std::vector<Vector>& points, const Vector& reference);

// Disjoint boxes [lower, upper] that tile the region below `reference` not dominated by
// `front`; lower bounds may be -infinity. A new point y improves the hypervolume by the volume
// of {z >= y} inside these boxes.
struct Box {
    Vector lower, upper;
};
std::vector<Box> non_dominated_boxes(const std::vector<Vector>& front, const Vector& reference);

}  // namespace pixforge::optimizer
