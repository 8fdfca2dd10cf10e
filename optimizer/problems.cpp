#include "optimizer/problems.hpp"

#include <cmath>
#include <stdexcept>

namespace pixforge::optimizer {
namespace {

class Zdt : public BenchmarkProblem {
  public:
    Zdt(int variant, int d) : variant_(variant), d_(d) {}
    std::string name() const override { return variant_ == 1 ? "zdt1" : "zdt2"; }
    int dimensions() const override { return d_; }
    int objectives() const override { return 2; }
    Vector reference_point() const override { return {1.1, 1.1}; }
    // Front f2 = 1 - sqrt(f1) (ZDT1) or 1 - f1^2 (ZDT2): 1.21 minus the area under it.
    double max_hypervolume() const override { return variant_ == 1 ? 1.21 - 1.0 / 3 : 1.21 - 2.0 / 3; }
    Evaluation evaluate(const Vector& x) const override {
        double s = 0;
        for (int i = 1; i < d_; ++i) s += x[static_cast<size_t>(i)];
        const double g = 1 + 9 * s / (d_ - 1), f1 = x[0];
        const double ratio = f1 / g;
        const double h = variant_ == 1 ? 1 - std::sqrt(ratio) : 1 - ratio * ratio;
        return {{f1, g * h}, {}};
    }

  private:
    int variant_, d_;
};

class Dtlz2 : public BenchmarkProblem {
  public:
    Dtlz2(int d, int m) : d_(d), m_(m) {}
    std::string name() const override { return "dtlz2"; }
    int dimensions() const override { return d_; }
    int objectives() const override { return m_; }
    Vector reference_point() const override { return Vector(static_cast<size_t>(m_), 1.1); }
    // Front: the positive part of the unit sphere; 1.1^M minus the volume of that orthant of
    // the unit ball, pi^(M/2) / Gamma(M/2 + 1) / 2^M.
    double max_hypervolume() const override {
        return std::pow(1.1, m_) - std::pow(M_PI, m_ / 2.0) / std::tgamma(m_ / 2.0 + 1) / std::pow(2.0, m_);
    }
    Evaluation evaluate(const Vector& x) const override {
        double g = 0;
        for (int i = m_ - 1; i < d_; ++i)
            g += (x[static_cast<size_t>(i)] - 0.5) * (x[static_cast<size_t>(i)] - 0.5);
        Vector f(static_cast<size_t>(m_), 1 + g);
        for (int i = 0; i < m_; ++i) {
            for (int j = 0; j < m_ - 1 - i; ++j)
                f[static_cast<size_t>(i)] *= std::cos(x[static_cast<size_t>(j)] * M_PI / 2);
            if (i > 0) f[static_cast<size_t>(i)] *= std::sin(x[static_cast<size_t>(m_ - 1 - i)] * M_PI / 2);
        }
        return {f, {}};
    }

  private:
    int d_, m_;
};

class BraninCurrin : public BenchmarkProblem {
  public:
    explicit BraninCurrin(bool constrained) : constrained_(constrained) {}
    std::string name() const override { return constrained_ ? "constrained_branin_currin" : "branin_currin"; }
    int dimensions() const override { return 2; }
    int objectives() const override { return 2; }
    int constraints() const override { return constrained_ ? 1 : 0; }
    Vector reference_point() const override { return constrained_ ? Vector{80, 12} : Vector{18, 6}; }
    // BoTorch's values; the constrained one comes from NSGA-II with 90 k evaluations.
    double max_hypervolume() const override { return constrained_ ? 608.4004237022673 : 59.36011874867746; }
    Evaluation evaluate(const Vector& x) const override {
        const double u = 15 * x[0] - 5, v = 15 * x[1];
        const double t = v - 5.1 / (4 * M_PI * M_PI) * u * u + 5 / M_PI * u - 6;
        const double branin = t * t + 10 * (1 - 1 / (8 * M_PI)) * std::cos(u) + 10;
        const double a = x[0], b = std::max(x[1], 1e-12);
        const double currin = (1 - std::exp(-1 / (2 * b))) *
                              (2300 * a * a * a + 1900 * a * a + 2092 * a + 60) /
                              (100 * a * a * a + 500 * a * a + 4 * a + 20);
        Evaluation e{{branin, currin}, {}};
        if (constrained_) e.constraints.push_back((u - 2.5) * (u - 2.5) + (v - 7.5) * (v - 7.5) - 50);
        return e;
    }

  private:
    bool constrained_;
};

}  // namespace

std::vector<std::string> problem_names() {
    return {"zdt1", "zdt2", "dtlz2", "branin_currin", "constrained_branin_currin"};
}

std::unique_ptr<BenchmarkProblem> make_problem(const std::string& name, int dimensions, int objectives) {
    if (name == "zdt1" || name == "zdt2")
        return std::make_unique<Zdt>(name == "zdt1" ? 1 : 2, dimensions ? dimensions : 6);
    if (name == "dtlz2") {
        if (objectives < 2 || objectives > 6) throw std::invalid_argument("dtlz2 supports 2 to 6 objectives");
        return std::make_unique<Dtlz2>(dimensions ? dimensions : 6, objectives);
    }
    if (name == "branin_currin") return std::make_unique<BraninCurrin>(false);
    if (name == "constrained_branin_currin") return std::make_unique<BraninCurrin>(true);
    throw std::invalid_argument("unknown problem " + name);
}

}  // namespace pixforge::optimizer
