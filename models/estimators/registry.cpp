#include "models/estimators/classical.hpp"

namespace pixforge::models {

std::vector<std::unique_ptr<ClassicalEstimator>> make_classical_estimators(const WindowContext& context,
                                                                           const Config& config) {
    const double eps = context.chain.sensor().pair_energy_eV();
    const double le_threshold = to_electrons(config.quantity("estimators.leading_edge_threshold"), eps) /
                                context.chain.electrons_per_code();
    std::vector<std::unique_ptr<ClassicalEstimator>> out;
    out.push_back(std::make_unique<MaxSampleEstimator>(context));
    out.push_back(std::make_unique<ParabolicPeakEstimator>(context));
    out.push_back(std::make_unique<TrapezoidEstimator>(
        context, static_cast<int>(config.integer("estimators.trapezoid_rise")),
        static_cast<int>(config.integer("estimators.trapezoid_flat"))));
    out.push_back(std::make_unique<OptimalFilterEstimator>(context));
    out.push_back(std::make_unique<CfdEstimator>(context, config.real("estimators.cfd_fraction"),
                                                 static_cast<int>(config.integer("estimators.cfd_delay"))));
    out.push_back(std::make_unique<LeadingEdgeEstimator>(context, le_threshold));
    out.push_back(std::make_unique<PileupInspectorEstimator>(
        context, static_cast<int>(config.integer("estimators.fast_filter_length"))));
    return out;
}

// [estimators]: the settings of the classical estimators make_classical_estimators builds.
void declare_estimator_keys(ConfigSchema& s) {
    using namespace keys;
    using units::Dimension;
    s.add(integer("estimators.trapezoid_rise", "4", 1, 1000, "trapezoid rise, in samples"));
    s.add(integer("estimators.trapezoid_flat", "3", 0, 1000, "trapezoid flat top, in samples"));
    s.add(
        real("estimators.cfd_fraction", Dimension::Dimensionless, "0.3", 0.01, 0.99, "digital CFD fraction"));
    s.add(integer("estimators.cfd_delay", "2", 1, 100, "digital CFD delay, in samples"));
    s.add(real("estimators.leading_edge_threshold", Dimension::ChargeOrEnergy, "\"800e-\"", 0, kInf,
               "leading-edge timing threshold above the baseline"));
    s.add(integer("estimators.fast_filter_length", "2", 1, 100,
                  "pile-up inspector fast filter length, in samples"));
}

}  // namespace pixforge::models
