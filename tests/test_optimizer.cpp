// The optimizer's parts against known answers: hypervolume values, Sobol stratification, GP
// regression, exact EHVI against Monte Carlo, design-space decoding and errors, strategy
// determinism, and the Bayesian optimizer beating random search on a short budget.
#define BOOST_TEST_MODULE optimizer
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <map>
#include <set>

#include <fstream>
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/h5.hpp"
#include "core/random.hpp"
#include "optimizer/acquisition.hpp"
#include "optimizer/benchmark.hpp"
#include "optimizer/codesign/codesign_setup.hpp"
#include "optimizer/codesign/config_keys.hpp"
#include "optimizer/codesign/search_strategy.hpp"
#include "optimizer/codesign/study_objectives.hpp"
#include "optimizer/design_space.hpp"
#include "optimizer/gaussian_process.hpp"
#include "optimizer/problems.hpp"
#include "optimizer/rank_correlation.hpp"
#include "optimizer/sobol.hpp"
#include "optimizer/study.hpp"
#include "test_support.hpp"

using namespace pixforge;
using namespace pixforge::optimizer;
using fs_path = std::filesystem::path;

BOOST_AUTO_TEST_CASE(rank_correlations_match_their_hand_computed_values) {
    namespace tt = boost::test_tools;
    const std::vector<double> a{1, 2, 3, 4, 5}, swapped{2, 1, 4, 3, 5}, reversed{50, 40, 30, 20, 10};
    // Two neighbouring swaps: sum d^2 = 4, rho = 1 - 6 * 4 / (5 * 24); 2 of 10 pairs discordant.
    BOOST_TEST(optimizer::spearman(a, swapped) == 0.8, tt::tolerance(1e-12));
    BOOST_TEST(optimizer::kendall_tau_b(a, swapped) == 0.6, tt::tolerance(1e-12));
    BOOST_TEST(optimizer::spearman(a, reversed) == -1.0, tt::tolerance(1e-12));
    BOOST_TEST(optimizer::kendall_tau_b(a, reversed) == -1.0, tt::tolerance(1e-12));
    // Ranks are what counts, not values: a monotone transform changes nothing.
    BOOST_TEST(optimizer::spearman(a, {1, 4, 9, 16, 1000}) == 1.0, tt::tolerance(1e-12));
    // A tie: tau-b = (2 - 0) / sqrt((3 - 1) * 3); the tied values share rank 0.5.
    BOOST_TEST(optimizer::kendall_tau_b({1, 1, 2}, {1, 2, 3}) == 2 / std::sqrt(6.0), tt::tolerance(1e-12));
    BOOST_TEST((optimizer::ranks({5, 1, 5, 3}) == std::vector<double>{2.5, 0, 2.5, 1}));
    // Nothing to order: undefined, not 0.
    BOOST_TEST(std::isnan(optimizer::spearman({1, 2, 3}, {7, 7, 7})));
    BOOST_TEST(std::isnan(optimizer::kendall_tau_b({1}, {2})));
}

BOOST_AUTO_TEST_CASE(hypervolume_of_simple_fronts) {
    BOOST_TEST(hypervolume({{1, 1}}, {2, 2}) == 1.0);
    // Staircase: 2 x 1 + 1.5 x 0.5 + 1 x 0.5.
    BOOST_TEST(hypervolume({{0, 1}, {1, 0}, {0.5, 0.5}}, {2, 2}) == 3.25,
               boost::test_tools::tolerance(1e-12));
    BOOST_TEST(hypervolume({{1, 1}, {3, 0}}, {2, 2}) == 1.0);  // a point beyond the reference is ignored
    BOOST_TEST(hypervolume({{0, 0, 0}}, {1, 2, 3}) == 6.0);
    // Two boxes in 3-D overlapping in [0.5,1]x[0.5,1]x[0,1]: 0.5 + 0.5 - 0.25.
    BOOST_TEST(hypervolume({{0, 0.5, 0}, {0.5, 0, 0}}, {1, 1, 1}) == 0.75,
               boost::test_tools::tolerance(1e-12));
    BOOST_TEST(hypervolume({{0, 0.5, 0, 0}, {0.5, 0, 0, 0}}, {1, 1, 1, 1}) == 0.75,
               boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(dense_true_fronts_approach_known_maxima) {
    // Sample the analytic Pareto fronts densely; the hypervolume approaches the known maxima from below.
    std::vector<Vector> zdt1, dtlz2, dtlz3;
    const int n = 2000;
    for (int i = 0; i <= n; ++i) {
        const double f = static_cast<double>(i) / n;
        zdt1.push_back({f, 1 - std::sqrt(f)});
        dtlz2.push_back({std::cos(f * M_PI / 2), std::sin(f * M_PI / 2)});
    }
    for (int i = 0; i <= 60; ++i)
        for (int j = 0; j <= 60; ++j) {
            const double a = i * M_PI / 120, b = j * M_PI / 120;
            dtlz3.push_back({std::cos(a) * std::cos(b), std::cos(a) * std::sin(b), std::sin(a)});
        }
    const auto z = make_problem("zdt1"), d2 = make_problem("dtlz2", 6, 2), d3 = make_problem("dtlz2", 6, 3);
    BOOST_TEST(std::fabs(hypervolume(zdt1, z->reference_point()) - 0.876667) < 1e-3);
    BOOST_TEST(std::fabs(hypervolume(dtlz2, d2->reference_point()) - 0.424602) < 1e-3);
    const double hv3 = hypervolume(dtlz3, d3->reference_point());
    BOOST_TEST(hv3 < d3->max_hypervolume());
    BOOST_TEST(hv3 > d3->max_hypervolume() - 0.03);
    // The problems put these fronts where the formulas say.
    BOOST_TEST(z->evaluate({0.25, 0, 0, 0, 0, 0}).objectives[1] == 0.5, boost::test_tools::tolerance(1e-12));
    const auto bc = make_problem("branin_currin");
    BOOST_TEST(bc->evaluate({(M_PI + 5) / 15, 2.275 / 15}).objectives[0] == 0.397887,
               boost::test_tools::tolerance(1e-5));
}

BOOST_AUTO_TEST_CASE(box_decomposition_tiles_the_free_region) {
    Rng rng(3, "boxes");
    for (int m : {2, 3}) {
        std::vector<Vector> pts;
        for (int i = 0; i < 12; ++i) {
            Vector p(static_cast<size_t>(m));
            for (double& x : p) x = rng.uniform();
            pts.push_back(p);
        }
        const Vector ref(static_cast<size_t>(m), 1.2), floor(static_cast<size_t>(m), 0.0);
        // Volume of the boxes clipped at 0 plus the hypervolume = the whole box [0, ref].
        double free = 0;
        for (const auto& b : non_dominated_boxes(pts, ref)) {
            double v = 1;
            for (int j = 0; j < m; ++j)
                v *= std::max(
                    0.0, b.upper[static_cast<size_t>(j)] - std::max(b.lower[static_cast<size_t>(j)], 0.0));
            free += v;
        }
        BOOST_TEST(free + hypervolume(pts, ref) == std::pow(1.2, m), boost::test_tools::tolerance(1e-9));
    }
}

BOOST_AUTO_TEST_CASE(sobol_points_stratify_every_dimension) {
    SobolSequence s(8, 0);
    const int n = 256;
    std::vector<std::set<int>> cells(8);
    for (int i = 0; i < n; ++i) {
        const auto p = s.next();
        for (size_t d = 0; d < 8; ++d) cells[d].insert(static_cast<int>(p[d] * n));
    }
    for (size_t d = 0; d < 8; ++d) BOOST_TEST(cells[d].size() == static_cast<size_t>(n), "dimension " << d);
    // Scrambled sequences differ by seed but stay stratified.
    SobolSequence a(3, 1), b(3, 2);
    BOOST_TEST(a.next() != b.next());
}

BOOST_AUTO_TEST_CASE(gp_recovers_a_known_function) {
    auto f = [](double x, double y) { return std::sin(6 * x) + 0.5 * std::cos(4 * y) + x * y; };
    SobolSequence s(2, 5);
    Eigen::MatrixXd X(40, 2);
    Eigen::VectorXd y(40);
    for (int i = 0; i < 40; ++i) {
        const auto p = s.next();
        X.row(i) << p[0], p[1];
        y(i) = f(p[0], p[1]);
    }
    GaussianProcess gp;
    gp.fit(X, y, 1, {});
    Rng rng(2, "gp test");
    Eigen::MatrixXd T(200, 2);
    Eigen::VectorXd truth(200);
    for (int i = 0; i < 200; ++i) {
        T.row(i) << rng.uniform(), rng.uniform();
        truth(i) = f(T(i, 0), T(i, 1));
    }
    Eigen::VectorXd mean, var;
    gp.predict(T, mean, var);
    const double rmse = std::sqrt((mean - truth).squaredNorm() / 200);
    BOOST_TEST(rmse < 0.05, "rmse " << rmse);
    // Calibrated uncertainty: most errors inside 3 sigma.
    int inside = 0;
    for (int i = 0; i < 200; ++i) inside += std::fabs(mean(i) - truth(i)) < 3 * std::sqrt(var(i)) + 1e-3;
    BOOST_TEST(inside >= 180);
    // The analytic gradient of the marginal likelihood matches finite differences.
    Eigen::VectorXd g;
    const Eigen::VectorXd th = gp.hyperparameters();
    gp.objective(th, &g);
    for (Eigen::Index k = 0; k < th.size(); ++k) {
        Eigen::VectorXd a = th, b = th;
        a(k) += 1e-5;
        b(k) -= 1e-5;
        const double fd = (gp.objective(a, nullptr) - gp.objective(b, nullptr)) / 2e-5;
        BOOST_TEST(std::fabs(fd - g(k)) < 1e-3 * std::max(1.0, std::fabs(fd)), "theta " << k);
    }
}

BOOST_AUTO_TEST_CASE(exact_ehvi_matches_monte_carlo) {
    Rng rng(4, "ehvi");
    for (int m : {2, 3}) {
        std::vector<Vector> front;
        for (int i = 0; i < 8; ++i) {
            Vector p(static_cast<size_t>(m));
            for (double& x : p) x = rng.uniform();
            front.push_back(p);
        }
        const Vector ref(static_cast<size_t>(m), 1.1);
        std::vector<Vector> pareto;
        for (size_t k : pareto_indices(front)) pareto.push_back(front[k]);
        const ExpectedHypervolumeImprovement ehvi(pareto, ref);
        const Vector mean(static_cast<size_t>(m), 0.4), sd(static_cast<size_t>(m), 0.2);
        const double base = hypervolume(pareto, ref);
        double mc = 0;
        const int draws = 40000;
        for (int i = 0; i < draws; ++i) {
            Vector y(static_cast<size_t>(m));
            for (size_t j = 0; j < y.size(); ++j) y[j] = mean[j] + sd[j] * rng.normal();
            auto with = pareto;
            with.push_back(y);
            mc += hypervolume(with, ref) - base;
        }
        mc /= draws;
        BOOST_TEST(std::fabs(ehvi(mean, sd) - mc) < 0.02 * mc + 1e-4,
                   "M = " << m << ": " << ehvi(mean, sd) << " vs MC " << mc);
    }
}

BOOST_AUTO_TEST_CASE(design_space_decodes_and_conditions) {
    const std::string toml = R"(
[space.layers]
kind = "integer"
min = 1
max = 3
[space.width_2]
kind = "ordinal"
values = [4, 8, 16]
when = { layers = [2, 3] }
[space.lr]
kind = "continuous"
min = 1e-4
max = 1e-1
log = true
[space.template]
kind = "categorical"
choices = ["parallel", "folded"]
)";
    const DesignSpace s = DesignSpace::from_toml(toml, "space.toml");
    BOOST_TEST(s.size() == 4u);
    BOOST_TEST(s[0].name == "layers");  // file order kept
    const std::vector<double> u = s.snap({0.1, 0.9, 0.5, 0.7});
    BOOST_TEST(s.numeric_value(0, u) == 1.0);
    BOOST_TEST(!s.active(1, u));  // width_2 needs 2 or 3 layers
    BOOST_TEST(s.numeric_value(2, u) == std::sqrt(1e-4 * 1e-1), boost::test_tools::tolerance(1e-9));
    BOOST_TEST(s.value_text(3, u) == "folded");
    BOOST_TEST(s.feature_size() == 5);  // 3 numeric + 2 one-hot
    const std::vector<double> v = s.snap({0.9, 0.9, 0.5, 0.2});
    BOOST_TEST(s.active(1, v));
    BOOST_TEST(s.numeric_value(1, v) == 16.0);
    BOOST_TEST(s.describe(v) == "layers=3, width_2=16, lr=0.00316228, template=parallel");
    BOOST_TEST((s.snap(s.snap({0.45, 0.2, 0.3, 0.9})) == s.snap({0.45, 0.2, 0.3, 0.9})));  // idempotent
}

namespace {
std::string space_error(const std::string& toml) {
    try {
        DesignSpace::from_toml(toml, "s.toml");
    } catch (const PixError& e) {
        return e.what();
    }
    return "no error";
}
}  // namespace

BOOST_AUTO_TEST_CASE(bad_design_spaces_give_clear_errors) {
    BOOST_TEST(
        space_error("[run]\nseed = 1\n").rfind("[ERROR SPACE-007] s.toml: no [space.<name>] tables", 0) == 0);
    BOOST_TEST(
        space_error("[space.a]\nkind = \"real\"\n") ==
        "[ERROR SPACE-002] s.toml:1: [space.a]: kind = \"real\"; expected \"continuous\", \"integer\", "
        "\"ordinal\" or \"categorical\"");
    BOOST_TEST(space_error("[space.a]\nkind = \"continuous\"\nmin = 2\nmax = 1\n") ==
               "[ERROR SPACE-003] s.toml:1: [space.a]: max (1) must be above min (2)");
    BOOST_TEST(space_error("[space.a]\nkind = \"continuous\"\nmax = 1\n").find("SPACE-003") !=
               std::string::npos);
    BOOST_TEST(
        space_error("[space.a]\nkind = \"continuous\"\nmin = 0\nmax = 1\nlog = true\n").find("min > 0") !=
        std::string::npos);
    BOOST_TEST(space_error("[space.a]\nkind = \"ordinal\"\nvalues = []\n").find("SPACE-004") !=
               std::string::npos);
    BOOST_TEST(
        space_error("[space.a]\nkind = \"integer\"\nmin = 1\nmax = 3\nstep = 2\n") ==
        "[ERROR SPACE-006] s.toml:1: [space.a]: unknown key 'step'; a parameter takes kind, min, max, log, "
        "values, choices and when");
    BOOST_TEST(
        space_error("[space.a]\nkind = \"integer\"\nmin = 1\nmax = 3\nwhen = { b = [1] }\n") ==
        "[ERROR SPACE-005] s.toml:1: [space.a]: when refers to 'b', which is not a parameter defined above");
    BOOST_TEST(space_error("space = 3\n").find("SPACE-007") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(strategies_are_reproducible_from_history) {
    const auto problem = make_problem("branin_currin");
    for (const std::string algo : {"bayesian", "nsga2", "sobol", "random"}) {
        const BenchmarkRun a = run_benchmark(*problem, algo, 24, 7, {});
        const BenchmarkRun b = run_benchmark(*problem, algo, 24, 7, {});
        BOOST_TEST((a.hypervolume == b.hypervolume), algo);
        // A fresh strategy given the first 17 trials proposes the 18th again (what resume relies on).
        const DesignSpace space = DesignSpace::unit_cube(2);
        auto fresh = make_strategy(algo, space, {2, 0, problem->reference_point()}, 7);
        const std::vector<Trial> first(a.trials.begin(), a.trials.begin() + 17);
        BOOST_TEST((fresh->propose(first, 1).front() == a.trials[17].u), algo);
    }
}

BOOST_AUTO_TEST_CASE(bayesian_beats_random_search_on_a_short_budget) {
    // Median over 3 seeds of the log hypervolume gap after 30 evaluations (10 initial).
    const auto problem = make_problem("branin_currin");
    auto median_gap = [&](const std::string& algo) {
        std::vector<double> gaps;
        for (std::uint64_t seed = 1; seed <= 3; ++seed) {
            const BenchmarkRun r = run_benchmark(*problem, algo, 30, seed, {});
            gaps.push_back(r.log_gap(29));
        }
        std::sort(gaps.begin(), gaps.end());
        return gaps[1];
    };
    const double bo = median_gap("bayesian"), random = median_gap("random");
    BOOST_TEST_MESSAGE("Branin-Currin, 30 evaluations: log10 gap bayesian " << bo << ", random " << random);
    BOOST_TEST(bo < random - 0.3);
}

BOOST_AUTO_TEST_CASE(constraints_steer_towards_feasible_designs) {
    const auto problem = make_problem("constrained_branin_currin");
    const BenchmarkRun r = run_benchmark(*problem, "bayesian", 30, 1, {});
    int feasible_after_init = 0;
    for (size_t i = 10; i < r.trials.size(); ++i) feasible_after_init += feasible(r.trials[i]);
    BOOST_TEST(feasible_after_init >= 14, feasible_after_init << " of 20 proposals feasible");
    BOOST_TEST(r.hypervolume.back() > 0.5 * problem->max_hypervolume());
}

namespace {
struct SimulatedCrash {};  // not a std::exception: escapes run_study like a dying process

std::vector<TrialRecord> run_branin_study(const std::filesystem::path& dir, int budget, bool resume,
                                          int batch, int crash_at_call = -1) {
    const auto problem = make_problem("branin_currin");
    const DesignSpace space = DesignSpace::unit_cube(2);
    const StudySpec spec{"bayesian", 3, {"branin", "currin"}, {}, problem->reference_point(), ""};
    Study study(dir, spec, space, resume, current_provenance("test"));
    auto strategy = make_strategy("bayesian", space, {2, 0, problem->reference_point()}, 3);
    int calls = 0;
    run_study(
        study, *strategy, space,
        [&](const std::vector<double>& u) {
            if (++calls == crash_at_call) throw SimulatedCrash{};
            return problem->evaluate(u);
        },
        budget, batch, nullptr);
    return study.completed();
}
}  // namespace

BOOST_AUTO_TEST_CASE(resume_after_a_crash_loses_and_duplicates_nothing) {
    test::TempDir dir;
    const auto reference = run_branin_study(dir.path() / "straight", 22, false, 4);
    // Crash during the 14th evaluation: the 4th batch has 3 proposals journaled but not
    // evaluated, and the journal ends in a torn line.
    BOOST_CHECK_THROW(run_branin_study(dir.path() / "crashed", 22, false, 4, 14), SimulatedCrash);
    { std::ofstream(dir.path() / "crashed/journal.jsonl", std::ios::app) << "{\"result\": 13, \"u\": [0.1"; }
    const auto resumed = run_branin_study(dir.path() / "crashed", 22, true, 4);
    BOOST_TEST_REQUIRE(resumed.size() == reference.size());
    std::set<std::int64_t> ids;
    for (size_t i = 0; i < resumed.size(); ++i) {
        BOOST_TEST((resumed[i].trial.u == reference[i].trial.u), "trial " << i);
        BOOST_TEST((resumed[i].trial.objectives == reference[i].trial.objectives), "trial " << i);
        ids.insert(resumed[i].id);
    }
    BOOST_TEST(ids.size() == resumed.size());
    // The HDF5 mirror holds every trial once.
    h5::Handle f = h5::open_file_readonly((dir.path() / "crashed/study.h5").string());
    BOOST_TEST(h5::shape(f.id(), "trials/id")[0] == 22u);
    BOOST_TEST(*h5::read_string_attribute(f.id(), "schema") == "pixforge.study");
    // Starting over in a study folder, or resuming with other settings, is refused.
    BOOST_CHECK_THROW(run_branin_study(dir.path() / "crashed", 22, false, 4), PixError);
}

BOOST_AUTO_TEST_CASE(resume_refuses_a_changed_range_reference_or_config) {
    test::TempDir dir;
    const fs_path folder = dir.path() / "s";
    const std::string config = "[optimizer]\nevaluations = 4\nbatch = 1\n[adc]\nbits = 10\n";
    auto space_with = [](double high, std::vector<std::string> choices) {
        DesignSpace space;
        Parameter lr;
        lr.name = "lr", lr.high = high;
        space.add(lr);
        Parameter t;
        t.name = "template", t.kind = ParamKind::Categorical, t.choices = std::move(choices);
        space.add(t);
        return space;
    };
    const DesignSpace space = space_with(1.0, {"parallel", "folded"});
    const StudySpec spec{"sobol", 1, {"a", "b"}, {}, {11, 11}, config};
    { Study created(folder, spec, space, false, current_provenance("test")); }
    auto resume_id = [&](const StudySpec& s, const DesignSpace& d) {
        return test::error_id([&] { Study again(folder, s, d, true, current_provenance("test")); });
    };
    BOOST_TEST(resume_id(spec, space) == "none");
    BOOST_TEST(resume_id(spec, space_with(2.0, {"parallel", "folded"})) == "STUDY-007");
    BOOST_TEST(resume_id(spec, space_with(1.0, {"folded", "parallel"})) == "STUDY-007");
    StudySpec other_reference = spec;
    other_reference.reference = {11, 12};
    BOOST_TEST(resume_id(other_reference, space) == "STUDY-008");
    StudySpec other_config = spec;
    other_config.config = "[optimizer]\nevaluations = 4\nbatch = 1\n[adc]\nbits = 8\n";
    BOOST_TEST(resume_id(other_config, space) == "STUDY-009");
    // The message names the key and both values.
    try {
        Study again(folder, other_config, space, true, current_provenance("test"));
    } catch (const PixError& e) {
        BOOST_TEST(std::string(e.what()).find("adc.bits: 10 -> 8") != std::string::npos, e.what());
    }
    // Only the budget may change.
    StudySpec longer = spec;
    longer.config = "[optimizer]\nevaluations = 40\nbatch = 1\n[adc]\nbits = 10\n";
    BOOST_TEST(resume_id(longer, space) == "none");
    longer.config += "[trigger]\nthreshold = 3\n";
    BOOST_TEST(resume_id(longer, space) == "STUDY-009");
}

BOOST_AUTO_TEST_CASE(failed_evaluations_are_recorded_and_the_study_goes_on) {
    test::TempDir dir;
    const auto problem = make_problem("branin_currin");
    const DesignSpace space = DesignSpace::unit_cube(2);
    Study study(dir.path() / "s", {"sobol", 1, {"a", "b"}, {}, problem->reference_point(), ""}, space, false,
                current_provenance("test"));
    auto strategy = make_strategy("sobol", space, {2, 0, problem->reference_point()}, 1);
    int calls = 0;
    run_study(
        study, *strategy, space,
        [&](const std::vector<double>& u) {
            if (++calls % 3 == 0) throw std::runtime_error("synthesis timed out");
            return problem->evaluate(u);
        },
        12, 1, nullptr);
    BOOST_TEST(study.completed().size() == 12u);
    int failed = 0;
    for (const auto& r : study.completed()) failed += !r.trial.ok;
    BOOST_TEST(failed == 4);
    BOOST_TEST(study.completed()[2].error == "synthesis timed out");
    std::vector<Vector> ok;
    for (const auto& r : study.completed())
        if (r.trial.ok) ok.push_back(r.trial.objectives);
    BOOST_TEST(study.hypervolume() == hypervolume(ok, problem->reference_point()));
}

BOOST_AUTO_TEST_CASE(design_space_lives_in_the_run_config) {
    const std::string text =
        "[optimizer]\nstrategy = \"nsga2\"\n[space.layers]\nkind = \"integer\"\nmin = 1\nmax = 3\n"
        "[space.template]\nkind = \"categorical\"\nchoices = [\"parallel\", \"folded\"]\n";
    const Config config = Config::parse(pixforge::codesign::all_config_keys(), text, "study.toml");
    BOOST_TEST(config.text("optimizer.strategy") == "nsga2");
    const DesignSpace space = DesignSpace::from_toml(config.document(), config.source());
    BOOST_TEST(space.size() == 2u);
    // The resolved config (stored in every output) carries the space and reads back to the same one.
    const Config again =
        Config::parse(pixforge::codesign::all_config_keys(), config.resolved_toml(), "resolved");
    const DesignSpace same = DesignSpace::from_toml(again.document(), "resolved");
    BOOST_TEST_REQUIRE(same.size() == 2u);
    BOOST_TEST(same[1].choices == space[1].choices);
    BOOST_TEST(same[0].high == 3.0);
    // Other sections are still checked strictly.
    BOOST_CHECK_THROW(Config::parse(pixforge::codesign::all_config_keys(),
                                    text + "[optimiser]\nstrategy = \"x\"\n", "s.toml"),
                      PixError);
}

BOOST_AUTO_TEST_CASE(four_objectives_use_parego_and_beat_random_search) {
    const auto problem = make_problem("dtlz2", 6, 4);
    // The generalized maximum: 1.1^4 minus the unit 4-ball's orthant, pi^2 / 32.
    BOOST_TEST(problem->max_hypervolume() == std::pow(1.1, 4) - M_PI * M_PI / 32,
               boost::test_tools::tolerance(1e-12));
    // Against random search with the same budget and seeds (measured: medians 0.536 vs 0.467,
    // ParEGO ahead on 4 of 5 seeds). Runs are deterministic, so the margins cannot flake.
    constexpr int kEvaluations = 50, kSeeds = 5;
    auto final_hypervolumes = [&](const std::string& algo) {
        std::vector<double> hv;
        for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
            const BenchmarkRun r = run_benchmark(*problem, algo, kEvaluations, seed, {});
            hv.push_back(r.hypervolume.back());
            std::set<std::vector<double>> distinct;
            for (const auto& t : r.trials) distinct.insert(t.u);
            BOOST_TEST(distinct.size() == r.trials.size(), algo << " seed " << seed);
        }
        return hv;
    };
    const std::vector<double> parego = final_hypervolumes("bayesian"), random = final_hypervolumes("random");
    int wins = 0;
    for (int s = 0; s < kSeeds; ++s) wins += parego[static_cast<size_t>(s)] > random[static_cast<size_t>(s)];
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    BOOST_TEST_MESSAGE("DTLZ2 6-D, 4 objectives, "
                       << kEvaluations << " evaluations: median hypervolume ParEGO " << median(parego)
                       << ", random " << median(random) << "; ParEGO ahead on " << wins << " of " << kSeeds
                       << " seeds");
    BOOST_TEST(median(parego) > median(random) + 0.04);
    BOOST_TEST(wins >= 4);
}

// A study's objectives and limits come from [codesign]: any figure of a trial, maximized with
// max:, limits as constraints beside the pixel's budget; theory guidance maps area and power to
// the proxies and refuses other synthesis figures; a figure the trial lacks is an error, never 0.
BOOST_AUTO_TEST_CASE(codesign_objectives_and_limits_come_from_the_config) {
    using codesign::Guidance;
    using codesign::StudyObjectives;
    const auto config = [](const std::vector<std::string>& overrides) {
        return Config::parse(codesign::all_config_keys(), "", "test", overrides);
    };
    const StudyObjectives defaults = StudyObjectives::from_config(config({}), Guidance::Synthesis);
    BOOST_TEST((defaults.objective_names() ==
                std::vector<std::string>{"energy_fwhm_eV", "area_um2", "pixel_power_uW", "latency_ns"}));
    BOOST_TEST(defaults.constraint_names().size() == 4u);

    const StudyObjectives goals = StudyObjectives::from_config(
        config({"codesign.objectives=\"toa_sigma_ns max:pileup_auc pixel_power_uW\"",
                "codesign.limits=\"energy_fwhm_eV<=900 output_rate_per_s>=1e5 dead_fraction<=0.2\""}),
        Guidance::Synthesis);
    BOOST_TEST((goals.objective_names() ==
                std::vector<std::string>{"toa_sigma_ns", "neg_pileup_auc", "pixel_power_uW"}));
    BOOST_TEST(goals.constraint_names().back() == "limit_dead_fraction");
    codesign::TrialMetrics m;
    m.toa_sigma_ns = 3, m.pileup_auc = 0.9, m.pixel_power_uW = 120, m.energy_fwhm_eV = 1000;
    m.output_rate_per_s = 2e5, m.area_over_budget_um2 = -5, m.power_over_budget_uW = -10,
    m.worst_slack_ns = 1;
    m.lost_events = 0, m.dead_fraction = 0.25;
    const Evaluation e = goals.evaluate(m);
    BOOST_TEST((e.objectives == std::vector<double>{3, -0.9, 120}));
    BOOST_TEST(e.constraints.size() == 7u);
    const std::vector<double> expected{-5, -10, -1, 0, 100, -1e5, 0.05};
    for (std::size_t k = 0; k < expected.size(); ++k)
        BOOST_TEST(e.constraints[k] == expected[k], boost::test_tools::tolerance(1e-12));
    m.toa_sigma_ns = std::numeric_limits<double>::quiet_NaN();  // an energy-only filter
    BOOST_CHECK_EXCEPTION(goals.evaluate(m), std::runtime_error, [](const std::runtime_error& x) {
        return std::string(x.what()).find("toa_sigma_ns") != std::string::npos;
    });

    const StudyObjectives theory = StudyObjectives::from_config(config({}), Guidance::Theory);
    BOOST_TEST((theory.objective_names() ==
                std::vector<std::string>{"energy_fwhm_eV", "parameter_bits", "bops", "latency_ns"}));
    const auto refused = [&](const std::vector<std::string>& overrides, Guidance g, const std::string& what) {
        try {
            StudyObjectives::from_config(config(overrides), g);
        } catch (const PixError& x) {
            const std::string text = x.what();
            return text.find("CFG-009") != std::string::npos && text.find(what) != std::string::npos;
        }
        return false;
    };
    BOOST_TEST(refused({"codesign.objectives=\"smallest_pitch_um\""}, Guidance::Theory, "needs synthesis"));
    BOOST_TEST(
        refused({"codesign.objectives=\"area_mm2\""}, Guidance::Synthesis, "'area_mm2' is not a figure"));
    BOOST_TEST(refused({"codesign.objectives=\"\""}, Guidance::Synthesis, "at least one objective"));
    BOOST_TEST(refused({"codesign.limits=\"toa_sigma_ns<2\""}, Guidance::Synthesis, "figure<=value"));
    BOOST_TEST(refused({"codesign.limits=\"toa_sigma_ns<=2ns\""}, Guidance::Synthesis, "not a number"));
}

namespace {

// A co-design-like space: two network parameters and two hardware ones, with a cost that is the
// network's size times a hardware factor (so networks rank alike on every hardware point).
optimizer::DesignSpace phased_space() {
    return optimizer::DesignSpace::from_toml(R"(
[space.hidden_width]
kind = "ordinal"
values = [2, 4, 8, 16]
[space.weight_bits]
kind = "integer"
min = 2
max = 6
[space.template]
kind = "categorical"
choices = ["parallel", "serial", "streaming"]
[space.clock_gating]
kind = "categorical"
choices = ["false", "true"]
)",
                                             "phased");
}

optimizer::Trial phased_trial(const optimizer::DesignSpace& s, const std::vector<double>& u) {
    const double width = s.numeric_value(0, u), bits = s.numeric_value(1, u);
    const double hw = 1.0 + s.numeric_value(2, u) + 0.5 * s.numeric_value(3, u);
    const double error = 100.0 / (width * bits), cost = width * bits * hw;
    return {u, {error, cost}, {cost - 60.0}, true};  // feasible below a cost of 60
}

}  // namespace

BOOST_AUTO_TEST_CASE(successive_and_semi_decoupled_search_the_network_then_the_hardware) {
    using namespace pixforge::optimizer;
    const DesignSpace space = phased_space();
    const Config config =
        Config::parse(codesign::all_config_keys(), "", "test",
                      {"optimizer.initial_points=4", "codesign.network_trials=8", "codesign.keep_networks=3",
                       "codesign.proxy_hardware=\"template=serial\"", "optimizer.strategy=\"sobol\""});
    const ProblemShape shape{2, 1, {200, 2000}};
    const auto run = [&](const std::string& plan) {
        const Config c = Config::parse(codesign::all_config_keys(), config.resolved_toml(), "test",
                                       {"codesign.strategy=\"" + plan + "\""});
        auto strategy = codesign::make_search_strategy(c, space, shape, 7, 20);
        std::vector<Trial> history;
        while (history.size() < 20u) {
            const auto batch = strategy->propose(history, 2);
            BOOST_REQUIRE(!batch.empty());
            BOOST_TEST(strategy->propose(history, 2) == batch);  // a function of the history alone
            for (const auto& u : batch) history.push_back(phased_trial(space, u));
        }
        return history;
    };
    const auto network = [&](const std::vector<double>& u) {
        return codesign::split_design(space.describe(u)).first;
    };
    const auto hardware = [&](const std::vector<double>& u) {
        return codesign::split_design(space.describe(u)).second;
    };

    // Successive: eight networks on the serial template, then the most accurate one on other hardware.
    const auto successive = run("successive");
    std::string most_accurate;
    double best = 1e300;
    for (std::size_t i = 0; i < 8; ++i) {
        BOOST_TEST(hardware(successive[i].u) == "template=serial, clock_gating=false");
        if (successive[i].objectives[0] < best)
            best = successive[i].objectives[0], most_accurate = network(successive[i].u);
    }
    std::set<std::string> hardware_seen;
    for (std::size_t i = 8; i < successive.size(); ++i) {
        BOOST_TEST(network(successive[i].u) == most_accurate);
        hardware_seen.insert(hardware(successive[i].u));
    }
    BOOST_TEST(hardware_seen.size() >= 3u);

    // Semi-decoupled: the hardware phase holds three networks, each hardware point with all three,
    // and on this problem they rank alike everywhere (cost = size x hardware factor).
    const auto semi = run("semi_decoupled");
    std::set<std::string> kept;
    std::map<std::string, std::set<std::string>> per_hardware;
    for (std::size_t i = 8; i < semi.size(); ++i) {
        kept.insert(network(semi[i].u));
        per_hardware[hardware(semi[i].u)].insert(network(semi[i].u));
    }
    BOOST_TEST(kept.size() == 3u);
    BOOST_TEST(per_hardware.size() >= 3u);
    std::size_t complete = 0;
    for (const auto& [h, nets] : per_hardware) complete += nets.size() == 3u;
    BOOST_TEST(complete + 1 >= per_hardware.size());  // only the last point may be cut by the budget
    std::vector<codesign::DesignResult> results;
    for (const Trial& t : semi) results.push_back({space.describe(t.u), t.objectives});
    const codesign::RankAgreement agreement = codesign::rank_agreement(results, {"error", "cost"});
    BOOST_TEST(agreement.pairs >= 3u);
    BOOST_TEST(agreement.networks == 3u);
    BOOST_TEST(agreement.spearman_min[1] == 1.0);
    BOOST_TEST(agreement.kendall_mean[0] == 1.0);

    // A proxy that names no hardware parameter, and a space without hardware: clear errors.
    const auto refused = [&](const std::vector<std::string>& set, const DesignSpace& s, const char* id) {
        const Config c = Config::parse(codesign::all_config_keys(), config.resolved_toml(), "test", set);
        BOOST_CHECK_EXCEPTION(
            codesign::make_search_strategy(c, s, shape, 7, 20), PixError,
            [&](const PixError& e) { return std::string(e.what()).find(id) != std::string::npos; });
    };
    refused({"codesign.strategy=\"semi_decoupled\"", "codesign.proxy_hardware=\"hidden_width=4\""}, space,
            "OPT-006");
    refused({"codesign.strategy=\"semi_decoupled\"", "codesign.proxy_hardware=\"template=folded\""}, space,
            "OPT-006");
    refused({"codesign.strategy=\"successive\""}, DesignSpace::unit_cube(2), "OPT-007");
}

BOOST_AUTO_TEST_CASE(a_designs_chain_is_its_sensor_front_end_adc_trigger_and_clock) {
    // What a classical filter must share with a network to be compared with it: the chain keys of
    // the design, not its network's.
    const optimizer::DesignSpace space = optimizer::DesignSpace::from_toml(R"(
[space.hidden_width]
kind = "ordinal"
values = [4, 8]
[space."network.window_length"]
kind = "ordinal"
values = [8, 16]
[space."adc.bits"]
kind = "ordinal"
values = [10, 12]
[space."adc.sampling_rate"]
kind = "categorical"
choices = ["5MHz", "10MHz"]
[space.template]
kind = "categorical"
choices = ["parallel", "streaming"]
)",
                                                                           "chain");
    const codesign::TrialDesign d = codesign::design_of(space, {0.9, 0.9, 0.9, 0.1, 0.9});
    BOOST_TEST(d.overrides.size() == 4u);  // window length, bits, rate, hidden
    const std::vector<std::string> chain = codesign::chain_overrides(d);
    BOOST_TEST((chain == std::vector<std::string>{"adc.bits=12", "adc.sampling_rate=\"5MHz\""}));
}

// Heterogeneous designs: `tasks` splits the heads over networks; NAME@HEAD sets NAME for the network
// computing HEAD, the plain NAME for every network; each network trains only its heads; shared is
// one network whose settings are the trial's; bad tasks values and heads are refused (OPT-009).
BOOST_AUTO_TEST_CASE(tasks_split_the_heads_over_networks_each_with_its_own_settings) {
    const optimizer::DesignSpace space = optimizer::DesignSpace::from_toml(R"(
[space.tasks]
kind = "categorical"
choices = ["shared", "energy|toa", "energy+pileup|toa"]
[space.hidden_width]
kind = "ordinal"
values = [4, 8]
[space.template]
kind = "categorical"
choices = ["serial", "streaming"]
[space."hidden_width@toa"]
kind = "ordinal"
values = [2, 3]
[space."template@toa"]
kind = "categorical"
choices = ["parallel", "folded"]
when = { tasks = ["energy|toa", "energy+pileup|toa"] }
[space."adc.bits"]
kind = "ordinal"
values = [10, 12]
)",
                                                                           "tasks");
    // shared: one network of the study's heads, the plain settings, the @toa ones unread
    const codesign::TrialDesign shared = codesign::design_of(space, {0.1, 0.9, 0.1, 0.9, 0.9, 0.9});
    BOOST_TEST_REQUIRE(shared.cores.size() == 1u);
    BOOST_TEST(shared.cores[0].heads.empty());
    BOOST_TEST(shared.cores[0].overrides.empty());
    BOOST_TEST(shared.hardware.name() == "serial");
    BOOST_TEST((shared.overrides == std::vector<std::string>{"adc.bits=12", "network.hidden=[8]"}));
    // energy|toa: an 8-wide serial energy network and a 3-wide folded timing network
    const codesign::TrialDesign split = codesign::design_of(space, {0.5, 0.9, 0.1, 0.9, 0.9, 0.1});
    BOOST_TEST_REQUIRE(split.cores.size() == 2u);
    BOOST_TEST((split.overrides == std::vector<std::string>{"adc.bits=10"}));
    BOOST_TEST((split.cores[0].heads == std::vector<std::string>{"energy"}));
    BOOST_TEST(split.cores[0].hardware.name() == "serial");
    BOOST_TEST((split.cores[0].overrides ==
                std::vector<std::string>{"network.hidden=[8]", "network.head_energy=true",
                                         "network.head_toa=false", "network.head_pileup=false"}));
    BOOST_TEST((split.cores[1].heads == std::vector<std::string>{"toa"}));
    BOOST_TEST(split.cores[1].hardware.name() == "folded_r4");
    BOOST_TEST(split.cores[1].overrides[0] == "network.hidden=[3]");
    BOOST_TEST(split.cores[1].overrides[2] == "network.head_toa=true");
    const codesign::TrialDesign three = codesign::design_of(space, {0.9, 0.1, 0.9, 0.1, 0.1, 0.1});
    BOOST_TEST_REQUIRE(three.cores.size() == 2u);
    BOOST_TEST((three.cores[0].heads == std::vector<std::string>{"energy", "pileup"}));
    BOOST_TEST(three.cores[0].hardware.name() == "streaming_r1");
    BOOST_TEST(three.cores[1].hardware.name() == "parallel_p1");
    // template@toa is hardware for the two-phase searches
    BOOST_TEST(codesign::is_hardware_parameter("template@toa"));
    BOOST_TEST(!codesign::is_hardware_parameter("hidden_width@toa"));

    const Config base = Config::parse(codesign::all_config_keys(), "", "<test>");
    codesign::check_config_keys_in_space(space, base);  // accepted
    const auto refused = [&](const std::string& toml) {
        return test::error_id([&] {
            codesign::check_config_keys_in_space(optimizer::DesignSpace::from_toml(toml, "bad"), base);
        });
    };
    BOOST_TEST(refused("[space.tasks]\nkind = \"categorical\"\nchoices = [\"energy|timing\"]\n") ==
               "OPT-009");
    BOOST_TEST(refused("[space.tasks]\nkind = \"categorical\"\nchoices = [\"energy|energy+toa\"]\n") ==
               "OPT-009");
    BOOST_TEST(refused("[space.\"template@time\"]\nkind = \"categorical\"\nchoices = [\"serial\"]\n") ==
               "OPT-009");
    BOOST_TEST(refused("[space.\"depth@toa\"]\nkind = \"ordinal\"\nvalues = [1, 2]\n") == "OPT-003");
    BOOST_TEST(refused("[space.\"adc.bits@toa\"]\nkind = \"ordinal\"\nvalues = [8, 10]\n") == "OPT-009");
    // energy and pileup share a network: their own templates would contradict each other.
    BOOST_TEST(refused("[space.tasks]\nkind = \"categorical\"\nchoices = [\"energy+pileup|toa\"]\n"
                       "[space.\"template@energy\"]\nkind = \"categorical\"\nchoices = [\"serial\"]\n"
                       "[space.\"template@pileup\"]\nkind = \"categorical\"\nchoices = [\"parallel\"]\n") ==
               "OPT-009");
    // A latency spec reads its head: the toa head stays on, and every network split must compute it.
    const auto goals_of = [](const std::vector<std::string>& keys) {
        return codesign::StudyObjectives::from_config(
            Config::parse(codesign::all_config_keys(), "", "<t>", keys), codesign::Guidance::Synthesis);
    };
    const auto timed = goals_of(
        {"codesign.objectives=\"energy_fwhm_eV area_um2\"", "codesign.limits=\"toa_latency_ns<=250\""});
    BOOST_TEST((timed.read_heads() == std::vector<std::string>{"energy", "toa"}));
    BOOST_TEST((timed.unread_head_overrides() == std::vector<std::string>{"network.head_pileup=false"}));
    codesign::check_config_keys_in_space(space, base, &timed);  // each tasks value computes both
    const auto with_pileup = goals_of({"codesign.objectives=\"energy_fwhm_eV max:pileup_auc\""});
    BOOST_TEST(test::error_id([&] { codesign::check_config_keys_in_space(space, base, &with_pileup); }) ==
               "OPT-009");
}

// What a two-phase search spared: 3 networks in phase 1, 2 of them on 2 hardware points in phase 2
// (4 trials), where every phase-1 network on those points would take 6.
BOOST_AUTO_TEST_CASE(a_two_phase_search_counts_the_trials_it_spared) {
    const std::vector<std::string> designs{
        "hidden_width=4, template=streaming",  "hidden_width=8, template=streaming",
        "hidden_width=16, template=streaming", "hidden_width=4, template=serial",
        "hidden_width=8, template=serial",     "hidden_width=4, template=parallel",
        "hidden_width=8, template=parallel"};
    const codesign::PhaseSavings s = codesign::phase_savings(designs, {1, 1, 1, 10, 10, 12, 8}, 3);
    BOOST_TEST(s.phase_one_trials == 3u);
    BOOST_TEST(s.phase_two_trials == 4u);
    BOOST_TEST(s.networks == 3u);
    BOOST_TEST(s.kept == 2u);
    BOOST_TEST(s.hardware_points == 2u);
    BOOST_TEST(s.coupled_trials == 6);
    BOOST_TEST(s.saved_trials == 2);
    BOOST_TEST(s.seconds_per_trial == 10.0);
    BOOST_TEST(s.saved_seconds == 20.0);
}
