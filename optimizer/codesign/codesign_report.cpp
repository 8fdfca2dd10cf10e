#include "optimizer/codesign/codesign_report.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/h5.hpp"
#include "core/process.hpp"
#include "core/provenance.hpp"
#include "core/typed_json.hpp"
#include "datasets/metrics.hpp"
#include "optimizer/codesign/search_strategy.hpp"
#include "optimizer/codesign/seed_spread.hpp"
#include "optimizer/codesign/trial_folder.hpp"
#include "optimizer/pareto.hpp"
#include "optimizer/study_view.hpp"
#include "tb/chain_summary.hpp"
#include "tb/rate_sweep.hpp"

namespace pixforge::codesign {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string read_text(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

struct StudyView {
    json setup;  // codesign.json: objectives, constraints, reference, guidance, budgets
    std::vector<std::string> objectives, constraints;  // its names, checked
    optimizer::JournalView journal;
    std::vector<TrialMetrics> metrics;    // one per journal row
    std::vector<TrialMetrics> classical;  // the classical hardware front, STUDY/classical/<k>/
    std::vector<TrialMetrics> retrains;   // the front retrained with other seeds, STUDY/seeds/<k>/
    std::optional<tb::ChainSummary> baseline;
    json sweep;  // rate_sweep.json: rates_per_s and one tb::RateSweep per design
    std::vector<tb::RateSweep> sweeps;
};

StudyView load(const fs::path& dir) {
    StudyView v;
    v.setup = read_json_file(dir / "codesign.json");
    if (v.setup.is_discarded() || v.setup.is_null())
        throw PixError(
            "STUDY-006",
            fmt::format("{}: not a co-design study (no codesign.json); run pixforge optimize", dir.string()));
    const TypedJson setup{"STUDY-006", (dir / "codesign.json").string(), "run pixforge optimize again"};
    if (!v.setup.is_object())
        throw PixError("STUDY-006",
                       fmt::format("{}: holds a JSON {}; expected the object pixforge optimize writes",
                                   setup.where, v.setup.type_name()));
    const optimizer::Vector reference = setup.numbers(v.setup, "reference", TypedJson::kAnySize);
    v.objectives = setup.texts(v.setup, "objectives");
    v.constraints = setup.texts(v.setup, "constraints");
    if (v.objectives.empty()) setup.refuse("objectives", "the study's objectives", v.setup["objectives"]);
    if (reference.size() != v.objectives.size())
        setup.refuse("reference", "one value per objective", v.setup["reference"]);
    if (v.setup.contains("seed") && !v.setup["seed"].is_number_unsigned())
        setup.refuse("seed", "an unsigned integer", v.setup["seed"]);
    for (const char* key : {"guidance", "liberty", "liberty_hash"}) setup.optional_text(v.setup, key);
    v.journal = optimizer::read_journal(dir, v.objectives.size(), v.constraints.size(), reference);
    for (const auto& r : v.journal.rows) v.metrics.push_back(TrialFolder(dir, r.id).metrics());
    for (const TrialFolder& t : TrialFolder::all(dir, "classical")) v.classical.push_back(t.metrics());
    for (const TrialFolder& t : TrialFolder::all(dir, "seeds")) v.retrains.push_back(t.metrics());
    if (fs::exists(dir / "baseline.json"))
        v.baseline = tb::ChainSummary::from_json(read_json_file(dir / "baseline.json"),
                                                 (dir / "baseline.json").string());
    if (fs::exists(dir / "rate_sweep.json")) {
        v.sweep = read_json_file(dir / "rate_sweep.json");
        const TypedJson sweep{"SIM-008", (dir / "rate_sweep.json").string(),
                              "delete it; the study remakes it"};
        const json designs = TypedJson::at(v.sweep, "designs");
        if (!designs.is_array()) sweep.refuse("designs", "an array of rate sweeps", designs);
        for (const json& d : designs) v.sweeps.push_back(tb::RateSweep::from_json(d, sweep.where));
    }
    return v;
}

std::string tool_version(const std::vector<std::string>& argv) {
    const fs::path log = fs::temp_directory_path() / fmt::format("pixforge-version-{}.log", ::getpid());
    try {
        const ProcessResult r = run_process(argv, log, 20);
        std::string text = log_tail(log, 200);
        fs::remove(log);
        if (!r.exited) return "unavailable";
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
        return text.substr(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
    } catch (const std::exception&) {
        return "unavailable";
    }
}

double value(const std::optional<double>& v) {
    return v.value_or(kNaN);
}

// The objectives of a row of the printed tables, each in a 14-wide column, and their header.
std::string objective_cells(const std::vector<double>& o) {
    std::string cells;
    for (double x : o) cells += fmt::format(" {:>14.6g}", x);
    return cells;
}
std::string objective_header(const std::vector<std::string>& names) {
    std::string cells;
    for (const auto& n : names) cells += fmt::format(" {:>14}", n);
    return cells;
}

// Every metric column (metric_columns()) of `rows`, one dataset each with its unit.
void write_metric_columns(hid_t group, const std::vector<TrialMetrics>& rows) {
    for (const MetricColumn& c : metric_columns()) {
        std::vector<double> col;
        for (const TrialMetrics& m : rows) col.push_back(c.of(m));
        h5::write_vector(group, c.key, col, c.unit);
    }
}

void write_trials(hid_t root, const StudyView& v) {
    h5::Handle t = h5::create_group(root, "trials");
    const auto& rows = v.journal.rows;
    std::vector<std::int64_t> id, ok, feasible, fitted;
    std::vector<double> seconds;
    std::vector<std::string> design, stage, error, network;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        const TrialMetrics& m = v.metrics[i];
        id.push_back(r.id), ok.push_back(r.ok), feasible.push_back(r.feasible), seconds.push_back(r.seconds);
        design.push_back(m.design), network.push_back(m.network.value_or(""));
        stage.push_back(m.failed_stage.value_or("")), error.push_back(r.error);
        // 0: a line was not fitted and the FWHM objective holds the 100 % penalty for it
        fitted.push_back(m.energy_fwhm_fitted.value_or(true) ? 1 : 0);
    }
    h5::write_vector(t.id(), "id", id, "");
    h5::write_vector(t.id(), "ok", ok, "");
    h5::write_vector(t.id(), "feasible", feasible, "");
    h5::write_vector(t.id(), "seconds", seconds, "s");
    h5::write_strings(t.id(), "design", design);
    h5::write_strings(t.id(), "network", network);
    h5::write_strings(t.id(), "failed_stage", stage);
    h5::write_strings(t.id(), "error", error);
    const auto column_of = [&](const std::string& prefix, const std::vector<std::string>& names,
                               bool objective) {
        for (std::size_t k = 0; k < names.size(); ++k) {
            std::vector<double> col;
            for (const auto& r : rows)
                col.push_back(r.ok ? (objective ? r.objectives : r.constraints)[k] : kNaN);
            h5::write_vector(t.id(), prefix + names[k], col, "");
        }
    };
    column_of("objective_", v.objectives, true);
    column_of("constraint_", v.constraints, false);
    write_metric_columns(t.id(), v.metrics);
    h5::write_vector(t.id(), "energy_fwhm_fitted", fitted, "");
    for (const char* s : {"train", "rtl", "synthesis", "simulate"}) {
        std::vector<double> col;
        for (const TrialMetrics& m : v.metrics) col.push_back(m.seconds.count(s) ? m.seconds.at(s) : kNaN);
        h5::write_vector(t.id(), std::string("stage_seconds_") + s, col, "s");
    }
}

void write_pareto(hid_t root, const fs::path& dir, const StudyView& v) {
    h5::Handle p = h5::create_group(root, "pareto");
    std::vector<std::int64_t> ids;
    for (std::size_t i : v.journal.pareto) ids.push_back(v.journal.rows[i].id);
    h5::write_vector(p.id(), "id", ids, "");
    for (std::size_t i : v.journal.pareto) {
        const TrialMetrics& m = v.metrics[i];
        const TrialFolder trial(dir, v.journal.rows[i].id);
        h5::Handle g = h5::create_group(p.id(), std::to_string(m.id));
        h5::write_attribute(g.id(), "design", m.design);
        h5::write_attribute(g.id(), "metrics", m.to_json().dump());
        std::vector<std::string> networks;
        for (const fs::path& f : trial.networks()) networks.push_back(f.string());
        h5::write_attribute(g.id(), "network_file", fmt::format("{}", fmt::join(networks, ", ")));
        h5::write_attribute(g.id(), "netlist_file", m.netlist.value_or(""));
        std::vector<std::string> names, texts;
        // Several networks: each one's files under core<k>/.
        for (const auto& e : fs::recursive_directory_iterator(trial.candidate()))
            if (e.path().extension() == ".v")
                names.push_back(e.path().lexically_relative(trial.candidate()).string()),
                    texts.push_back(read_text(e.path()));
        h5::write_strings(g.id(), "rtl_files", names);
        h5::write_strings(g.id(), "rtl_text", texts);
        if (m.netlist && !m.netlist->empty())
            h5::write_strings(g.id(), "netlist_text", {read_text(*m.netlist)});
        if (fs::exists(trial.chain_report())) {  // the simulation's spectrum and latency histograms
            h5::Handle chain = h5::open_file_readonly(trial.chain_report().string());
            h5::Handle hist = h5::open_group(chain.id(), "histograms");
            for (const char* name : {"energy_counts", "energy_edges", "latency_counts", "latency_edges"}) {
                std::vector<double> values;
                h5::read_vector(hist.id(), name, values, std::size_t{1} << 20);
                h5::write_vector(g.id(), name, values,
                                 std::string(name).find("energy_edges") != std::string::npos ? "keV" : "");
            }
        }
    }
}

// Designs beside the trials (the classical hardware front, the retrained front) as a table like
// the trials': id, design, ok, feasible, objectives and the metric columns.
h5::Handle write_design_table(hid_t root, const char* name, const std::vector<TrialMetrics>& rows,
                              const StudyView& v) {
    h5::Handle g = h5::create_group(root, name);
    std::vector<std::int64_t> id, ok, feasible;
    std::vector<std::string> design, error;
    for (const TrialMetrics& m : rows) {
        id.push_back(m.id), ok.push_back(m.finished()), feasible.push_back(m.feasible());
        design.push_back(m.design), error.push_back(m.error.value_or(""));
    }
    h5::write_vector(g.id(), "id", id, "");
    h5::write_vector(g.id(), "ok", ok, "");
    h5::write_vector(g.id(), "feasible", feasible, "");
    h5::write_strings(g.id(), "design", design);
    h5::write_strings(g.id(), "error", error);
    for (std::size_t k = 0; k < v.objectives.size(); ++k) {
        std::vector<double> col;
        for (const TrialMetrics& m : rows) col.push_back(m.finished() ? (*m.objectives)[k] : kNaN);
        h5::write_vector(g.id(), "objective_" + v.objectives[k], col, "");
    }
    write_metric_columns(g.id(), rows);
    return g;
}

// How alike the study's networks rank across the hardware points that evaluated the same ones.
// What the study's two-phase search spared (none for a joint search).
std::optional<PhaseSavings> study_phase_savings(const StudyView& v) {
    const std::string strategy = v.setup.value("strategy", std::string("joint"));
    if (strategy != "semi_decoupled" && strategy != "successive") return std::nullopt;
    std::vector<std::string> designs;
    std::vector<double> seconds;
    for (std::size_t i = 0; i < v.metrics.size(); ++i)
        designs.push_back(v.metrics[i].design), seconds.push_back(v.journal.rows[i].seconds);
    return phase_savings(designs, seconds, v.setup.value("network_trials", std::size_t{0}));
}

RankAgreement study_rank_agreement(const StudyView& v) {
    std::vector<DesignResult> results;
    for (const TrialMetrics& m : v.metrics)
        results.push_back({m.design, m.finished() ? *m.objectives : std::vector<double>{}});
    return rank_agreement(results, v.objectives);
}

// The spread across training seeds of each network of the Pareto set.
std::vector<SeedSpread> spreads(const StudyView& v) {
    return seed_spreads(offered_front(v.metrics),
                        v.setup.value("training_seed", v.setup.value("seed", std::int64_t{1})), v.retrains);
}

// The retrained front: its table, which trial and seed each row is, and the spread per trial.
void write_front_seeds(hid_t root, const StudyView& v) {
    h5::Handle g = write_design_table(root, "front_seeds", v.retrains, v);
    std::vector<std::int64_t> of, seed;
    for (const TrialMetrics& m : v.retrains)
        of.push_back(m.retrain_of.value_or(-1)), seed.push_back(m.training_seed.value_or(-1));
    h5::write_vector(g.id(), "retrain_of", of, "");
    h5::write_vector(g.id(), "training_seed", seed, "");
    json spread = json::array();
    for (const SeedSpread& s : spreads(v)) spread.push_back(s.to_json(v.objectives));
    h5::write_attribute(g.id(), "spread", spread.dump());
}

// The networks of the Pareto set against the feasible classical designs: which classical design
// dominates each network (as good or better in every objective, better in one), and which it
// dominates.
json comparison_json(const StudyView& v) {
    // With nothing feasible, the designs each side offers (seed_spread.hpp: non-dominated among the
    // infeasible) are compared, so that a study that fits no pixel still says who is ahead.
    const std::vector<TrialMetrics> networks = offered_front(v.metrics);
    const bool none_fits = v.journal.pareto.empty();
    json classical = json::array(), pareto = json::array();
    std::vector<const TrialMetrics*> offered;
    for (const TrialMetrics& m : v.classical)
        if (none_fits ? m.finished() : m.feasible()) {
            offered.push_back(&m);
            classical.push_back({{"id", m.id},
                                 {"design", m.design},
                                 {"objectives", *m.objectives},
                                 {"feasible", m.feasible()},
                                 {"smallest_pitch_um", value(m.smallest_pitch_um)}});
        }
    for (const TrialMetrics& m : networks) {
        json by = json::array(), over = json::array();
        for (const TrialMetrics* c : offered) {
            if (optimizer::dominates(*c->objectives, *m.objectives)) by.push_back(c->id);
            if (optimizer::dominates(*m.objectives, *c->objectives)) over.push_back(c->id);
        }
        pareto.push_back({{"id", m.id},
                          {"design", m.design},
                          {"network", m.network.value_or("")},
                          {"objectives", *m.objectives},
                          {"feasible", m.feasible()},
                          {"smallest_pitch_um", value(m.smallest_pitch_um)},
                          {"dominated_by", by},
                          {"dominates", over}});
    }
    // The front of networks and classical designs together: what a designer picks from.
    std::vector<optimizer::Vector> points;
    std::vector<json> who;
    for (const TrialMetrics& m : networks)
        points.push_back(*m.objectives), who.push_back({{"network", m.id}});
    for (const TrialMetrics* c : offered)
        points.push_back(*c->objectives), who.push_back({{"classical", c->id}});
    json combined = json::array();
    for (std::size_t k : optimizer::pareto_indices(points)) combined.push_back(who[k]);
    json spread = json::array();
    for (const SeedSpread& s : spreads(v)) spread.push_back(s.to_json(v.objectives));
    const std::optional<PhaseSavings> savings = study_phase_savings(v);
    return {{"objectives", v.objectives},
            {"pixel", v.setup.value("pixel", json::object())},
            {"feasible", !none_fits},
            {"pareto", pareto},
            {"classical", classical},
            {"combined_front", combined},
            {"seed_spread", spread},
            {"strategy", v.setup.value("strategy", std::string("joint"))},
            {"rank_agreement", study_rank_agreement(v).to_json()},
            {"phase_savings", savings ? savings->to_json() : json(nullptr)}};
}

void print_classical(const StudyView& v, std::ostream& out) {
    if (v.classical.empty()) return;
    out << "\nClassical hardware in the same pixel block and chain (the linear filters give energy, the peak "
           "units energy and time; docs/classical_hardware.md):\n";
    out << fmt::format("  {:>5}{} {:>10} {:>9}\n", "k", objective_header(v.objectives), "ToA ns", "pitch um");
    for (const TrialMetrics& m : v.classical) {
        if (!m.finished()) {
            out << fmt::format("  {:>5} FAILED at {}  {}\n", m.id, m.failed_stage.value_or("?"), m.design);
            continue;
        }
        out << fmt::format("  {:>5}{} {:>10} {:>9.0f} {:>10}  {}\n", m.id, objective_cells(*m.objectives),
                           datasets::fitted_text(value(m.toa_sigma_ns), "{:.3f}", "-"),
                           value(m.smallest_pitch_um), m.feasible() ? "feasible" : "infeasible", m.design);
    }
    const json c = comparison_json(v);
    std::vector<std::string> combined;
    for (const json& d : c["combined_front"])
        combined.push_back(d.contains("network")
                               ? fmt::format("trial {}", d["network"].get<std::int64_t>())
                               : fmt::format("classical {}", d["classical"].get<std::int64_t>()));
    const bool fits = c["feasible"].get<bool>();
    out << fmt::format("Networks and classical designs together{}, {} non-dominated: {}\n",
                       fits ? "" : " (nothing fits: among the infeasible ones)", combined.size(),
                       fmt::join(combined, ", "));
    out << (fits ? "Each network of the Pareto set against the feasible classical designs:\n"
                 : "Each non-dominated network against the classical designs (all infeasible):\n");
    for (const json& p : c["pareto"]) {
        const auto ids = [](const json& list) {
            std::vector<std::string> t;
            for (const json& id : list) t.push_back(std::to_string(id.get<std::int64_t>()));
            return fmt::format("{}", fmt::join(t, ", "));
        };
        out << fmt::format("  trial {:>3}: {}\n", p["id"].get<std::int64_t>(),
                           !p["dominated_by"].empty() ? "dominated by classical " + ids(p["dominated_by"])
                           : !p["dominates"].empty()  ? "dominates classical " + ids(p["dominates"])
                                                      : std::string("neither dominates: a trade-off"));
    }
}

// Whether networks rank alike across hardware, where the study evaluated the same networks on
// several hardware points (a semi-decoupled search does by design).
void print_rank_agreement(const StudyView& v, std::ostream& out) {
    const RankAgreement a = study_rank_agreement(v);
    out << fmt::format("\nSearch strategy: {} (docs/strategies.md)\n",
                       v.setup.value("strategy", std::string("joint")));
    if (const std::optional<PhaseSavings> s = study_phase_savings(v); s && s->phase_two_trials > 0)
        out << fmt::format(
            "  phase 1: {} trials over {} networks on the proxy hardware; phase 2: {} trials, the {} kept "
            "networks on {} hardware points. Every phase-1 network on those points would take {} trials: {} "
            "saved, about "
            "{:.0f} s of trial time ({:.1f} s each in phase 2)\n",
            s->phase_one_trials, s->networks, s->phase_two_trials, s->kept, s->hardware_points,
            s->coupled_trials, s->saved_trials, s->saved_seconds, s->seconds_per_trial);
    if (a.pairs == 0) return;
    out << fmt::format(
        "Networks ranked across hardware: {} networks on {} hardware points ({} pairs), "
        "rank correlation mean (min):\n",
        a.networks, a.hardware_points, a.pairs);
    for (std::size_t k = 0; k < a.objectives.size(); ++k)
        out << fmt::format("  {:<16} Spearman {:.3f} ({:.3f}), Kendall tau-b {:.3f} ({:.3f})\n",
                           a.objectives[k], a.spearman_mean[k], a.spearman_min[k], a.kendall_mean[k],
                           a.kendall_min[k]);
}

// The networks of the Pareto set across training seeds: mean, sd and range of each objective.
void print_seed_spread(const StudyView& v, std::ostream& out) {
    if (v.retrains.empty()) return;
    out << "\nThe offered networks (the Pareto set, or with nothing feasible the non-dominated designs) "
           "retrained with other seeds (codesign.front_seeds), mean +- sd "
           "[min, max] over the seeds:\n";
    for (const SeedSpread& s : spreads(v)) {
        std::vector<std::string> parts;
        for (std::size_t k = 0; k < v.objectives.size(); ++k)
            parts.push_back(fmt::format("{} {:.4g} +- {:.2g} [{:.4g}, {:.4g}]", v.objectives[k], s.mean[k],
                                        s.sd[k], s.min[k], s.max[k]));
        out << fmt::format("  trial {:>3}, {} seeds ({} feasible{}): {}\n", s.trial, s.seeds.size(),
                           s.feasible, s.failed ? fmt::format(", {} retrain(s) failed", s.failed) : "",
                           fmt::join(parts, "; "));
    }
}

}  // namespace

void print_study_json(const fs::path& dir, std::ostream& out) {
    out << comparison_json(load(dir)).dump(2) << "\n";
}

void write_study_report(const fs::path& dir) {
    const StudyView v = load(dir);
    AtomicFile target(dir / "report.h5");
    {
        h5::silence_library_errors();
        h5::Handle file = h5::create_file(target.temp().string());
        const hid_t root = file.id();
        h5::write_attribute(root, "schema", std::string("pixforge.codesign_report"));
        h5::write_attribute(root, "schema_version", std::int64_t{1});
        h5::write_attribute(root, "setup", v.setup.dump());
        h5::write_provenance(root, current_provenance("pixforge report"), read_text(dir / "config.toml"),
                             v.setup.value("seed", std::uint64_t{1}));
        h5::Handle tools = h5::create_group(root, "tools");
        h5::write_attribute(tools.id(), "yosys", tool_version({"yosys", "-V"}));
        h5::write_attribute(tools.id(), "verilator", tool_version({"verilator", "--version"}));
        h5::write_attribute(tools.id(), "opensta", tool_version({"sta", "-version"}));
        h5::write_attribute(tools.id(), "liberty", v.setup.value("liberty", std::string()));
        h5::write_attribute(tools.id(), "liberty_hash", v.setup.value("liberty_hash", std::string()));
        write_trials(root, v);
        h5::write_vector(root, "hypervolume", v.journal.hv_trace, "");
        write_pareto(root, dir, v);
        write_design_table(root, "classical", v.classical, v);
        if (!v.retrains.empty()) write_front_seeds(root, v);
        h5::Handle b = h5::create_group(root, "baseline");
        h5::write_attribute(b.id(), "json", v.baseline ? v.baseline->to_json().dump() : std::string("null"));
        if (!v.sweeps.empty()) {  // resolution and output rate against input rate
            h5::Handle rs = h5::create_group(root, "rate_sweep");
            h5::write_attribute(rs.id(), "json", v.sweep.dump());
            for (std::size_t k = 0; k < v.sweeps.size(); ++k) {
                h5::Handle g = h5::create_group(rs.id(), std::to_string(k));
                tb::write_rate_sweep(g.id(), v.sweeps[k]);
            }
        }
    }
    target.commit();
}

namespace {

// The pixel the study's designs must fit, and the smallest pixel any synthesized network (and any
// smaller classical design) fits, so that a study with nothing feasible still says how far it is
// from its pixel.
void print_pixel_budget(const StudyView& v, std::ostream& out) {
    if (!v.setup.contains("pixel")) return;
    const json& p = v.setup["pixel"];
    out << fmt::format(
        "\nPixel budget: {:.0f} um pitch, digital area {:.0f} um^2 ({:.0f} %), power {:.1f} uW "
        "({:.3g} W/cm^2) = front end {:.1f} + ADC {:.1f} + digital\n",
        p.value("pitch_um", kNaN), p.value("digital_area_budget_um2", kNaN),
        100 * p.value("digital_fraction", kNaN), p.value("power_budget_uW", kNaN),
        p.value("power_density_W_per_cm2", kNaN), p.value("frontend_power_uW", kNaN),
        p.value("adc_power_uW", kNaN));
    // The networks' smallest, then the classical designs' when one is smaller still.
    const auto smallest = [](const std::vector<TrialMetrics>& designs) -> const TrialMetrics* {
        const TrialMetrics* best = nullptr;
        for (const TrialMetrics& m : designs)
            if (m.smallest_pitch_um && (!best || *m.smallest_pitch_um < *best->smallest_pitch_um)) best = &m;
        return best;
    };
    const TrialMetrics* network = smallest(v.metrics);
    const TrialMetrics* classical = smallest(v.classical);
    if (network)
        out << fmt::format(
            "  smallest pixel any synthesized network fits: {:.0f} um (trial {}: {:.0f} um^2, {:.1f} uW in "
            "all)\n",
            *network->smallest_pitch_um, network->id, value(network->area_um2),
            value(network->pixel_power_uW));
    if (classical && (!network || *classical->smallest_pitch_um < *network->smallest_pitch_um))
        out << fmt::format(
            "  smallest pixel any classical design fits: {:.0f} um (classical {}, {}: {:.0f} um^2, {:.1f} uW "
            "in "
            "all)\n",
            *classical->smallest_pitch_um, classical->id, classical->design, value(classical->area_um2),
            value(classical->pixel_power_uW));
}

}  // namespace

void print_study_summary(const fs::path& dir, std::ostream& out) {
    const StudyView v = load(dir);
    const auto& objectives = v.objectives;
    const auto& rows = v.journal.rows;
    std::size_t ok = 0, feasible = 0;
    for (const auto& r : rows) ok += r.ok, feasible += r.feasible;
    out << fmt::format(
        "Study {}: {} trials, {} succeeded, {} feasible, {} on the Pareto front, hypervolume {:.6g} "
        "(guidance {})\n",
        dir.string(), rows.size(), ok, feasible, v.journal.pareto.size(),
        v.journal.hv_trace.empty() ? 0.0 : v.journal.hv_trace.back(),
        v.setup.value("guidance", std::string("?")));
    std::map<std::string, std::size_t> failures;
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (!rows[i].ok) ++failures[v.metrics[i].failed_stage.value_or("unknown")];
    for (const auto& [stage, n] : failures) out << fmt::format("  {} trial(s) failed at {}\n", n, stage);
    // Specs are hard: how many finished trials broke each (a feasible design breaks none).
    std::vector<std::string> broken;
    for (std::size_t k = 0; k < v.constraints.size(); ++k) {
        std::size_t n = 0;
        for (const auto& r : rows) n += r.ok && k < r.constraints.size() && r.constraints[k] > 0;
        broken.push_back(fmt::format("{} {}", n, v.constraints[k]));
    }
    if (ok > 0)
        out << fmt::format("  constraint violations among the {} that succeeded: {}\n", ok,
                           fmt::join(broken, ", "));
    print_pixel_budget(v, out);
    out << "\nBest feasible per objective:\n";
    for (std::size_t k = 0; k < objectives.size(); ++k) {
        std::optional<std::size_t> best;
        for (std::size_t i = 0; i < rows.size(); ++i)
            if (rows[i].feasible && (!best || rows[i].objectives[k] < rows[*best].objectives[k])) best = i;
        if (best)
            out << fmt::format("  {:<16} {:>12.5g}  trial {:>3}  {}\n", objectives[k],
                               rows[*best].objectives[k], rows[*best].id, v.metrics[*best].design);
    }
    // With nothing feasible, the designs that would be the front were the budget larger: how far
    // the study is from its pixel, design by design.
    std::vector<std::size_t> shown = v.journal.pareto;
    const bool none_fits = shown.empty();
    if (none_fits) {
        std::vector<std::size_t> succeeded;
        std::vector<optimizer::Vector> points;
        for (std::size_t i = 0; i < rows.size(); ++i)
            if (rows[i].ok) succeeded.push_back(i), points.push_back(rows[i].objectives);
        for (std::size_t k : optimizer::pareto_indices(points)) shown.push_back(succeeded[k]);
    }
    out << (none_fits
                ? fmt::format("\nNo design meets the constraints. Non-dominated among all that succeeded "
                              "(infeasible), by {}:\n",
                              objectives[0])
                : fmt::format("\nPareto set (feasible, non-dominated), by {}:\n", objectives[0]));
    out << fmt::format("  {:>6}{} {:>10} {:>7} {:>9}  {}\n", "trial", objective_header(objectives), "ToA ns",
                       "PU AUC", "pitch um", "design / network");
    bool any_penalty = false;
    const bool fwhm_objective =
        std::find(objectives.begin(), objectives.end(), "energy_fwhm_eV") != objectives.end();
    for (std::size_t i : shown) {
        const auto& r = rows[i];
        const TrialMetrics& m = v.metrics[i];
        // A FWHM objective that holds the penalty for an unfitted line is marked (a study without
        // it, such as one on the time of a Landau spectrum, has nothing to mark).
        const bool fitted = m.energy_fwhm_fitted.value_or(true) || !fwhm_objective;
        any_penalty = any_penalty || !fitted;
        out << fmt::format("  {:>6}{} {:>10} {:>7} {:>9.0f}  {} | {}\n",
                           fmt::format("{}{}", r.id, fitted ? "" : "*"), objective_cells(r.objectives),
                           datasets::fitted_text(value(m.toa_sigma_ns), "{:.3f}", "-"),
                           datasets::fitted_text(value(m.pileup_auc), "{:.3f}", "-"),
                           value(m.smallest_pitch_um), m.design, m.network.value_or(""));
    }
    if (any_penalty)
        out << "  * a line was not fitted: it counts as 100 % of its energy in the trial's energy FWHM (the "
               "study's penalty)\n";
    print_classical(v, out);
    print_seed_spread(v, out);
    print_rank_agreement(v, out);
    if (v.baseline) {
        const tb::ChainSummary& b = *v.baseline;
        out << fmt::format(
            "\nClassical baseline in the same chain ({}): energy FWHM {} (mean over lines), ToA sigma {}, "
            "pile-up AUC {}, latency {:.1f} ns\n",
            b.processor, datasets::fitted_text(b.resolution().mean_fwhm_eV, "{:.0f} eV"),
            datasets::fitted_text(b.timing.sigma_s * 1e9, "{:.3f} ns"),
            datasets::fitted_text(b.pileup.auc, "{:.3f}", "not measured"), b.latency_mean_s * 1e9);
    }
}

}  // namespace pixforge::codesign
