#include "optimizer/lbfgs.hpp"

#include <cmath>
#include <deque>

namespace pixforge::optimizer {

LbfgsResult minimize_lbfgs(const Objective& f, Eigen::VectorXd x, int max_iterations) {
    constexpr int kMemory = 8;
    Eigen::VectorXd g(x.size());
    double fx = f(x, g);
    std::deque<Eigen::VectorXd> s_hist, y_hist;
    LbfgsResult result;
    for (int it = 0; it < max_iterations; ++it) {
        result.iterations = it + 1;
        if (!std::isfinite(fx) || g.lpNorm<Eigen::Infinity>() < 1e-6) break;
        // Two-loop recursion: d = -H g.
        Eigen::VectorXd q = g;
        std::vector<double> alpha(s_hist.size());
        for (int i = static_cast<int>(s_hist.size()) - 1; i >= 0; --i) {
            const double rho = 1.0 / y_hist[static_cast<size_t>(i)].dot(s_hist[static_cast<size_t>(i)]);
            alpha[static_cast<size_t>(i)] = rho * s_hist[static_cast<size_t>(i)].dot(q);
            q -= alpha[static_cast<size_t>(i)] * y_hist[static_cast<size_t>(i)];
        }
        double gamma = 1.0 / std::max(1.0, g.norm());
        if (!s_hist.empty()) gamma = s_hist.back().dot(y_hist.back()) / y_hist.back().squaredNorm();
        Eigen::VectorXd d = gamma * q;
        for (size_t i = 0; i < s_hist.size(); ++i) {
            const double rho = 1.0 / y_hist[i].dot(s_hist[i]);
            d += s_hist[i] * (alpha[i] - rho * y_hist[i].dot(d));
        }
        d = -d;
        double slope = g.dot(d);
        if (slope >= 0) {  // not a descent direction: restart from steepest descent
            s_hist.clear();
            y_hist.clear();
            d = -g / std::max(1.0, g.norm());
            slope = g.dot(d);
        }
        double step = 1.0;
        Eigen::VectorXd x_new, g_new(x.size());
        double f_new = 0;
        bool accepted = false;
        for (int ls = 0; ls < 30; ++ls) {
            x_new = x + step * d;
            f_new = f(x_new, g_new);
            if (std::isfinite(f_new) && f_new <= fx + 1e-4 * step * slope) {
                accepted = true;
                break;
            }
            step *= 0.5;
        }
        if (!accepted) break;
        const Eigen::VectorXd s = x_new - x, y = g_new - g;
        if (s.dot(y) > 1e-12) {
            s_hist.push_back(s);
            y_hist.push_back(y);
            if (static_cast<int>(s_hist.size()) > kMemory) {
                s_hist.pop_front();
                y_hist.pop_front();
            }
        }
        const bool converged = std::fabs(fx - f_new) <= 1e-10 * std::max(1.0, std::fabs(fx));
        x = x_new;
        fx = f_new;
        g = g_new;
        if (converged) break;
    }
    result.x = x;
    result.value = fx;
    return result;
}

}  // namespace pixforge::optimizer
