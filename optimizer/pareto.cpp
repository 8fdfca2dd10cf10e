#include "optimizer/pareto.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

namespace pixforge::optimizer {

bool dominates(const Vector& a, const Vector& b) {
    bool strictly = false;
    for (size_t j = 0; j < a.size(); ++j) {
        if (a[j] > b[j]) return false;
        strictly |= a[j] < b[j];
    }
    return strictly;
}

std::vector<size_t> pareto_indices(const std::vector<Vector>& points) {
    std::vector<size_t> out;
    for (size_t i = 0; i < points.size(); ++i) {
        bool keep = true;
        for (size_t j = 0; j < points.size() && keep; ++j)
            keep = !(dominates(points[j], points[i]) || (j < i && points[j] == points[i]));
        if (keep) out.push_back(i);
    }
    return out;
}

namespace {

double hv2(std::vector<Vector> pts, const Vector& r) {
    std::sort(pts.begin(), pts.end());
    double volume = 0, best_y = r[1];
    for (const auto& p : pts) {
        if (p[1] < best_y) {
            volume += (r[0] - p[0]) * (best_y - p[1]);
            best_y = p[1];
        }
    }
    return volume;
}

// Slices along the last objective: between consecutive values, the (M-1)-dimensional
// hypervolume of the points below the slice.
double hv_recursive(std::vector<Vector> pts, const Vector& r) {
    const size_t m = r.size();
    if (pts.empty()) return 0.0;
    if (m == 1) {
        double best = r[0];
        for (const auto& p : pts) best = std::min(best, p[0]);
        return r[0] - best;
    }
    if (m == 2) return hv2(std::move(pts), r);
    std::sort(pts.begin(), pts.end(), [m](const Vector& a, const Vector& b) { return a[m - 1] < b[m - 1]; });
    const Vector r_low(r.begin(), r.end() - 1);
    double volume = 0;
    std::vector<Vector> slice;
    for (size_t i = 0; i < pts.size(); ++i) {
        slice.emplace_back(pts[i].begin(), pts[i].end() - 1);
        const double top = i + 1 < pts.size() ? pts[i + 1][m - 1] : r[m - 1];
        if (top > pts[i][m - 1]) {
            std::vector<Vector> front;
            for (size_t k : pareto_indices(slice)) front.push_back(slice[k]);
            slice = front;
            volume += hv_recursive(slice, r_low) * (top - pts[i][m - 1]);
        }
    }
    return volume;
}

}  // namespace

double hypervolume(const std::vector<Vector>& points, const Vector& reference) {
    std::vector<Vector> inside;
    for (const auto& p : points) {
        bool below = true;
        for (size_t j = 0; j < p.size(); ++j) below &= p[j] < reference[j];
        if (below) inside.push_back(p);
    }
    std::vector<Vector> front;
    for (size_t k : pareto_indices(inside)) front.push_back(inside[k]);
    return hv_recursive(front, reference);
}

std::vector<Box> non_dominated_boxes(const std::vector<Vector>& front_in, const Vector& reference) {
    const size_t m = reference.size();
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<Vector> front;
    for (const auto& p : front_in) {
        bool below = true;
        for (size_t j = 0; j < m; ++j) below &= p[j] < reference[j];
        if (below) front.push_back(p);
    }
    std::vector<Box> boxes;
    if (m == 2) {
        // Staircase: one box per step.
        std::sort(front.begin(), front.end());
        double x = -inf, y = reference[1];
        for (const auto& p : front) {
            if (p[1] >= y) continue;
            boxes.push_back({{x, -inf}, {p[0], y}});
            x = p[0];
            y = p[1];
        }
        boxes.push_back({{x, -inf}, {reference[0], y}});
        return boxes;
    }
    // Grid of the front's coordinates; a cell is free unless a point lies below its lower corner.
    std::vector<Vector> grid(m);
    for (size_t j = 0; j < m; ++j) {
        grid[j].push_back(-inf);
        for (const auto& p : front) grid[j].push_back(p[j]);
        grid[j].push_back(reference[j]);
        std::sort(grid[j].begin(), grid[j].end());
        grid[j].erase(std::unique(grid[j].begin(), grid[j].end()), grid[j].end());
    }
    std::vector<size_t> index(m, 0);
    for (;;) {
        Box b{Vector(m), Vector(m)};
        for (size_t j = 0; j < m; ++j) {
            b.lower[j] = grid[j][index[j]];
            b.upper[j] = grid[j][index[j] + 1];
        }
        bool dominated = false;
        for (const auto& p : front) {
            bool below = true;
            for (size_t j = 0; j < m && below; ++j) below = p[j] <= b.lower[j];
            if (below) {
                dominated = true;
                break;
            }
        }
        if (!dominated) boxes.push_back(std::move(b));
        size_t j = 0;
        while (j < m && ++index[j] + 1 >= grid[j].size()) index[j++] = 0;
        if (j == m) break;
    }
    return boxes;
}

}  // namespace pixforge::optimizer
