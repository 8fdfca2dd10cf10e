#include "optimizer/study_report.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/h5.hpp"
#include "core/process.hpp"
#include "core/provenance.hpp"
#include "core/typed_json.hpp"
#include "optimizer/pareto.hpp"

namespace pixforge::optimizer {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Row {
    std::int64_t id = 0;
    bool ok = false, feasible = false;
    Vector objectives, constraints;
    double seconds = 0;
    std::string error;
    json metrics;
};

struct StudyView {
    json setup;  // codesign.json: objectives, constraints, reference, guidance, budgets
    std::vector<std::string> objectives, constraints;  // its names, checked
    std::vector<Row> rows;                             // journal order
    std::vector<std::size_t> pareto;                   // indices into rows
    std::vector<double> hv_trace;
    json baseline;
};

json read_json(const fs::path& p) {
    std::ifstream in(p);
    if (!in) return {};
    return json::parse(in, nullptr, false);
}

StudyView load(const fs::path& dir) {
    StudyView v;
    v.setup = read_json(dir / "codesign.json");
    if (v.setup.is_discarded() || v.setup.is_null())
        throw PixError(
            "STUDY-006",
            fmt::format("{}: not a co-design study (no codesign.json); run pixforge optimize", dir.string()));
    const TypedJson setup{"STUDY-006", (dir / "codesign.json").string(), "run pixforge optimize again"};
    if (!v.setup.is_object())
        throw PixError("STUDY-006",
                       fmt::format("{}: holds a JSON {}; expected the object pixforge optimize writes",
                                   setup.where, v.setup.type_name()));
    const Vector reference = setup.numbers(v.setup, "reference", TypedJson::kAnySize);
    v.objectives = setup.texts(v.setup, "objectives");
    v.constraints = setup.texts(v.setup, "constraints");
    if (v.objectives.size() != 4)  // accuracy, two costs and latency: the summary prints all four
        setup.refuse("objectives", "the four co-design objectives", v.setup["objectives"]);
    if (reference.size() != v.objectives.size())
        setup.refuse("reference", "one value per objective", v.setup["reference"]);
    if (v.setup.contains("seed") && !v.setup["seed"].is_number_unsigned())
        setup.refuse("seed", "an unsigned integer", v.setup["seed"]);
    for (const char* key : {"guidance", "liberty", "liberty_hash"}) setup.optional_text(v.setup, key);
    v.baseline = read_json(dir / "baseline.json");
    std::ifstream in(dir / "journal.jsonl");
    std::string line;
    std::vector<Vector> feasible_points;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        const json j = json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("result")) continue;
        const TypedJson journal{"STUDY-004",
                                fmt::format("{} line {}", (dir / "journal.jsonl").string(), number),
                                "start a new study"};
        Row r;
        r.id = journal.integer(j, "result");
        r.ok = journal.boolean(j, "ok");
        // A failed trial's objectives are meaningless (and may be empty); a succeeded one's are indexed.
        r.objectives = journal.numbers(j, "objectives", r.ok ? v.objectives.size() : TypedJson::kAnySize);
        r.constraints = journal.numbers(j, "constraints", r.ok ? v.constraints.size() : TypedJson::kAnySize);
        r.seconds = journal.number(j, "seconds");
        journal.optional_text(j, "error");
        r.error = j.value("error", "");
        r.feasible = r.ok;
        for (double c : r.constraints) r.feasible = r.feasible && c <= 0;
        r.metrics = read_json(dir / "trials" / std::to_string(r.id) / "metrics.json");
        if (!r.metrics.is_object()) r.metrics = json::object();
        if (r.feasible) feasible_points.push_back(r.objectives);
        v.hv_trace.push_back(hypervolume(feasible_points, reference));
        v.rows.push_back(std::move(r));
    }
    std::vector<Vector> points;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < v.rows.size(); ++i)
        if (v.rows[i].feasible) points.push_back(v.rows[i].objectives), index.push_back(i);
    for (std::size_t k : pareto_indices(points)) v.pareto.push_back(index[k]);
    std::sort(v.pareto.begin(), v.pareto.end(), [&](std::size_t a, std::size_t b) {
        return v.rows[a].objectives[0] < v.rows[b].objectives[0];
    });
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

// A figure of a JSON object, NaN when it is missing or null (not fitted).
double number_or_nan(const json& object, const char* key) {
    return object.contains(key) && object[key].is_number() ? object[key].get<double>()
                                                           : std::numeric_limits<double>::quiet_NaN();
}

double metric(const Row& r, const char* key) {
    return number_or_nan(r.metrics, key);
}

std::string fitted_text(double value, const char* format) {
    return std::isfinite(value) ? fmt::format(fmt::runtime(format), value) : std::string("not fitted");
}

std::string read_text(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

void write_study_report(const fs::path& dir) {
    const StudyView v = load(dir);
    const fs::path partial = dir / "report.h5.partial";
    {
        h5::silence_library_errors();
        h5::Handle file = h5::create_file(partial.string());
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

        h5::Handle t = h5::create_group(root, "trials");
        std::vector<std::int64_t> id, ok, feasible;
        std::vector<double> seconds;
        std::vector<std::string> design, stage, error, network;
        for (const Row& r : v.rows) {
            id.push_back(r.id), ok.push_back(r.ok), feasible.push_back(r.feasible),
                seconds.push_back(r.seconds);
            design.push_back(r.metrics.value("design", std::string()));
            network.push_back(r.metrics.value("network", std::string()));
            stage.push_back(r.metrics.value("failed_stage", std::string()));
            error.push_back(r.error);
        }
        h5::write_vector(t.id(), "id", id, "");
        h5::write_vector(t.id(), "ok", ok, "");
        h5::write_vector(t.id(), "feasible", feasible, "");
        h5::write_vector(t.id(), "seconds", seconds, "s");
        h5::write_strings(t.id(), "design", design);
        h5::write_strings(t.id(), "network", network);
        h5::write_strings(t.id(), "failed_stage", stage);
        h5::write_strings(t.id(), "error", error);
        const auto& objectives = v.objectives;
        const auto& constraints = v.constraints;
        for (std::size_t k = 0; k < objectives.size(); ++k) {
            std::vector<double> col;
            for (const Row& r : v.rows)
                col.push_back(r.ok ? r.objectives[k] : std::numeric_limits<double>::quiet_NaN());
            h5::write_vector(t.id(), "objective_" + objectives[k], col, "");
        }
        for (std::size_t k = 0; k < constraints.size(); ++k) {
            std::vector<double> col;
            for (const Row& r : v.rows)
                col.push_back(r.ok ? r.constraints[k] : std::numeric_limits<double>::quiet_NaN());
            h5::write_vector(t.id(), "constraint_" + constraints[k], col, "");
        }
        const std::vector<std::pair<const char*, const char*>> metrics{{"energy_fwhm_eV", "eV"},
                                                                       {"toa_sigma_ns", "ns"},
                                                                       {"pileup_auc", ""},
                                                                       {"latency_ns", "ns"},
                                                                       {"lost_events", ""},
                                                                       {"area_um2", "um^2"},
                                                                       {"cells", ""},
                                                                       {"flip_flops", ""},
                                                                       {"critical_path_ns", "ns"},
                                                                       {"worst_slack_ns", "ns"},
                                                                       {"max_clock_MHz", "MHz"},
                                                                       {"power_uW", "uW"},
                                                                       {"clock_power_uW", "uW"},
                                                                       {"energy_per_inference_pJ", "pJ"},
                                                                       {"macs", ""},
                                                                       {"bops", ""},
                                                                       {"parameter_bits", ""},
                                                                       {"latency_cycles", "cycles"}};
        for (const auto& [key, unit] : metrics) {
            std::vector<double> col;
            for (const Row& r : v.rows) col.push_back(metric(r, key));
            h5::write_vector(t.id(), key, col, unit);
        }
        {  // 0: a line was not fitted and the FWHM objective holds the 100 % penalty for it
            std::vector<std::int64_t> col;
            for (const Row& r : v.rows) col.push_back(r.metrics.value("energy_fwhm_fitted", true) ? 1 : 0);
            h5::write_vector(t.id(), "energy_fwhm_fitted", col, "");
        }
        for (const char* s : {"train", "rtl", "synthesis", "simulate"}) {
            std::vector<double> col;
            for (const Row& r : v.rows)
                col.push_back(r.metrics.contains("seconds") && r.metrics["seconds"].contains(s)
                                  ? r.metrics["seconds"][s].get<double>()
                                  : std::numeric_limits<double>::quiet_NaN());
            h5::write_vector(t.id(), std::string("stage_seconds_") + s, col, "s");
        }
        h5::write_vector(root, "hypervolume", v.hv_trace, "");

        h5::Handle p = h5::create_group(root, "pareto");
        std::vector<std::int64_t> ids;
        for (std::size_t i : v.pareto) ids.push_back(v.rows[i].id);
        h5::write_vector(p.id(), "id", ids, "");
        for (std::size_t i : v.pareto) {
            const Row& r = v.rows[i];
            const fs::path trial = dir / "trials" / std::to_string(r.id);
            h5::Handle g = h5::create_group(p.id(), std::to_string(r.id));
            h5::write_attribute(g.id(), "design", r.metrics.value("design", std::string()));
            h5::write_attribute(g.id(), "metrics", r.metrics.dump());
            h5::write_attribute(g.id(), "network_file", (trial / "candidate" / "network.h5").string());
            h5::write_attribute(g.id(), "netlist_file", r.metrics.value("netlist", std::string()));
            std::vector<std::string> names, texts;
            for (const auto& e : fs::directory_iterator(trial / "candidate"))
                if (e.path().extension() == ".v")
                    names.push_back(e.path().filename().string()), texts.push_back(read_text(e.path()));
            h5::write_strings(g.id(), "rtl_files", names);
            h5::write_strings(g.id(), "rtl_text", texts);
            if (!r.metrics.value("netlist", std::string()).empty())
                h5::write_strings(g.id(), "netlist_text",
                                  {read_text(r.metrics["netlist"].get<std::string>())});
            if (fs::exists(trial / "chain.h5")) {  // the simulation's spectrum and latency histograms
                h5::Handle chain = h5::open_file_readonly((trial / "chain.h5").string());
                h5::Handle hist = h5::open_group(chain.id(), "histograms");
                for (const char* name :
                     {"energy_counts", "energy_edges", "latency_counts", "latency_edges"}) {
                    std::vector<double> values;
                    h5::read_vector(hist.id(), name, values, std::size_t{1} << 20);
                    h5::write_vector(
                        g.id(), name, values,
                        std::string(name).find("energy_edges") != std::string::npos ? "keV" : "");
                }
            }
        }
        h5::Handle b = h5::create_group(root, "baseline");
        h5::write_attribute(b.id(), "json", v.baseline.dump());
        // Resolution and output rate against input rate (rate_sweep.json, when the study made one).
        const json sweep = read_json(dir / "rate_sweep.json");
        if (sweep.is_object() && sweep.contains("designs")) {
            h5::Handle rs = h5::create_group(root, "rate_sweep");
            h5::write_attribute(rs.id(), "json", sweep.dump());
            int k = 0;
            for (const auto& d : sweep["designs"]) {
                h5::Handle g = h5::create_group(rs.id(), std::to_string(k++));
                h5::write_attribute(g.id(), "name", d["name"].get<std::string>());
                std::vector<double> in, outr, fwhm, dead;
                for (const auto& entry : d["runs"]) {
                    if (!entry.contains("summary")) continue;  // failed at this rate
                    const json& run = entry["summary"];
                    in.push_back(run["input_rate_per_s"]), outr.push_back(run["output_rate_per_s"]);
                    fwhm.push_back(number_or_nan(run, "energy_fwhm_mean_eV")),
                        dead.push_back(run["dead_fraction"]);
                }
                h5::write_vector(g.id(), "input_rate", in, "1/s");
                h5::write_vector(g.id(), "output_rate", outr, "1/s");
                h5::write_vector(g.id(), "mean_fwhm", fwhm, "eV");  // NaN: a line was not fitted
                h5::write_vector(g.id(), "dead_fraction", dead, "");
            }
        }
    }
    fs::rename(partial, dir / "report.h5");
}

void print_study_summary(const fs::path& dir, std::ostream& out) {
    const StudyView v = load(dir);
    const auto& objectives = v.objectives;
    std::size_t ok = 0, feasible = 0;
    for (const Row& r : v.rows) ok += r.ok, feasible += r.feasible;
    out << fmt::format(
        "Study {}: {} trials, {} succeeded, {} feasible, {} on the Pareto front, hypervolume {:.6g} "
        "(guidance {})\n",
        dir.string(), v.rows.size(), ok, feasible, v.pareto.size(),
        v.hv_trace.empty() ? 0.0 : v.hv_trace.back(), v.setup.value("guidance", std::string("?")));
    std::map<std::string, std::size_t> failures;
    for (const Row& r : v.rows)
        if (!r.ok) ++failures[r.metrics.value("failed_stage", std::string("unknown"))];
    for (const auto& [stage, n] : failures) out << fmt::format("  {} trial(s) failed at {}\n", n, stage);
    out << "\nBest feasible per objective:\n";
    for (std::size_t k = 0; k < objectives.size(); ++k) {
        const Row* best = nullptr;
        for (const Row& r : v.rows)
            if (r.feasible && (!best || r.objectives[k] < best->objectives[k])) best = &r;
        if (best)
            out << fmt::format("  {:<16} {:>12.5g}  trial {:>3}  {}\n", objectives[k], best->objectives[k],
                               best->id, best->metrics.value("design", std::string()));
    }
    out << fmt::format("\nPareto set (feasible, non-dominated), by {}:\n", objectives[0]);
    out << fmt::format("  {:>5} {:>10} {:>11} {:>10} {:>10} {:>10} {:>7}  {}\n", "trial", objectives[0],
                       objectives[1], objectives[2], objectives[3], "ToA ns", "PU AUC", "design / network");
    for (std::size_t i : v.pareto) {
        const Row& r = v.rows[i];
        const bool fitted =
            r.metrics.value("energy_fwhm_fitted", true);  // else the objective holds the penalty
        out << fmt::format("  {:>5} {:>10} {:>11.0f} {:>10.0f} {:>10.1f} {:>10} {:>7.3f}  {} | {}\n", r.id,
                           fmt::format("{:.0f}{}", r.objectives[0], fitted ? "" : "*"), r.objectives[1],
                           r.objectives[2], r.objectives[3], fitted_text(metric(r, "toa_sigma_ns"), "{:.3f}"),
                           metric(r, "pileup_auc"), r.metrics.value("design", std::string()),
                           r.metrics.value("network", std::string()));
    }
    bool any_penalty = false;
    for (std::size_t i : v.pareto)
        any_penalty = any_penalty || !v.rows[i].metrics.value("energy_fwhm_fitted", true);
    if (any_penalty)
        out << "  * a line was not fitted: it counts as 100 % of its energy in this FWHM (the study's "
               "penalty)\n";
    if (v.baseline.is_object() && v.baseline.contains("lines")) {
        out << fmt::format(
            "\nClassical baseline in the same chain ({}): energy FWHM {} (mean over lines), ToA sigma {}, "
            "pile-up AUC {:.3f}, latency {:.1f} ns\n",
            v.baseline.value("processor", std::string("?")),
            fitted_text(number_or_nan(v.baseline, "energy_fwhm_mean_eV"), "{:.0f} eV"),
            fitted_text(number_or_nan(v.baseline, "toa_sigma_s") * 1e9, "{:.3f} ns"),
            number_or_nan(v.baseline, "pileup_auc"), number_or_nan(v.baseline, "latency_mean_s") * 1e9);
    }
}

}  // namespace pixforge::optimizer
