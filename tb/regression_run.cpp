#include "tb/regression_run.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/atomic_file.hpp"
#include "core/content_hash.hpp"
#include "core/error.hpp"
#include "core/folder_bytes.hpp"
#include "tb/chain_job.hpp"
#include "tb/scoreboard.hpp"

namespace pixforge::tb {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// One sub-stream as a chain job (its samples file is chosen by the worker that runs it).
ChainJob job_of(const RegressionSuite& suite, const RegressionJob& job, const SubStream& part,
                const RegressionRequest& request) {
    const RegressionDesign& design = suite.designs[job.design];
    const RegressionScenario& scenario = suite.scenarios[job.scenario];
    ChainJob c;
    c.config = scenario.config;
    c.overrides = scenario.overrides;
    c.overrides.push_back(fmt::format("run.seed={}", part.seed));
    c.candidate = design.candidate;
    c.classical = design.classical;
    c.pixel_block = design.pixel_block;
    c.cache = request.cache;
    c.pulses = part.pulses;
    c.rate = job.rate;  // no provenance command: the task's hash must not change with the command line
    return c;
}

std::string file_part(std::string name) {
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') c = '_';
    return name;
}

// The content of a folder (a candidate): every file's path and bytes, in path order.
std::string folder_hash(const fs::path& dir) {
    if (dir.empty()) return "";
    ContentHash h;
    const json files = folder_to_json(dir);  // an object: its keys come sorted
    for (const auto& [name, bytes] : files.items()) {
        const auto& b = bytes.get_binary();
        h.add(name).add(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
    }
    return h.hex();
}

// Where a sub-stream's samples are flushed: readable, and keyed by everything that makes them: the
// scenario's resolved config at this rate, the design (a candidate by its files' content), the seed
// and the photons; not the cache or the timeout. A changed suite, config or candidate reruns exactly
// what changed.
fs::path run_file(const RegressionRequest& request, const RegressionSuite& suite, const RegressionJob& job,
                  const SubStream& part, const std::string& candidate_hash) {
    const RegressionDesign& design = suite.designs[job.design];
    const RegressionScenario& scenario = suite.scenarios[job.scenario];
    const auto rate =
        std::find(scenario.rates.begin(), scenario.rates.end(), job.rate) - scenario.rates.begin();
    const std::string key = ContentHash()
                                .add(scenario.resolved[static_cast<std::size_t>(rate)])
                                .add(design.classical)
                                .add(candidate_hash)
                                .add(std::int64_t{design.pixel_block})
                                .add(static_cast<std::int64_t>(part.seed))
                                .add(static_cast<std::int64_t>(part.pulses))
                                .hex();
    return request.out / "runs" / file_part(design.name) / file_part(scenario.name) / file_part(job.rate) /
           fmt::format("seed{}-{}-{}.cbor", job.seed, part.index, key.substr(0, 12));
}

// This process's scratch folder for its chain runs (removed when the regression ends).
fs::path private_work_root() {
    return fs::temp_directory_path() / fmt::format("pixforge-regress-{}", ::getpid());
}

// The worker's side of one sub-stream: the chain in an isolated child, its samples as CBOR bytes.
std::string run_sub_stream(std::size_t index, const std::string& task) {
    const json t = json::parse(task);
    ChainJob job = ChainJob::from_json(t.at("job"), "regression task");
    const fs::path work = private_work_root() / std::to_string(index);
    job.samples = work / "samples.cbor";
    const ChainRunner runner(ChainRunner::this_executable(), t.at("timeout_s").get<double>());
    const IsolatedRun r = runner.run(job, work);
    if (!r.ok) {
        const std::string why = r.failure;
        fs::remove_all(work);
        throw std::runtime_error(why);
    }
    json out = {{"samples", json::from_cbor(read_whole_file(job.samples).value_or(""))},
                {"identity", r.summary->identity}};
    fs::remove_all(work);
    const std::vector<std::uint8_t> cbor = json::to_cbor(out);
    return {cbor.begin(), cbor.end()};
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct StoredRun {
    bool ok = false;
    std::string failure;
    ChainSamples samples;
    Identity identity;
};

StoredRun read_run(const fs::path& file) {
    StoredRun r;
    const std::optional<std::string> bytes = read_whole_file(file);
    if (!bytes) {
        const std::string why = read_whole_file(fs::path(file).replace_extension(".failed.txt")).value_or("");
        r.failure = why.empty() ? "not run" : why;
        return r;
    }
    const json j = json::from_cbor(*bytes, true, false);
    if (j.is_discarded() || !j.is_object()) {
        r.failure = file.string() + " is damaged (not CBOR); delete it to rerun the sub-stream";
        return r;
    }
    try {
        r.samples = ChainSamples::from_json(j.value("samples", json()), file.string());
    } catch (const PixError& e) {
        r.failure = std::string(e.what()) + "; delete it to rerun the sub-stream";
        return r;
    }
    const json identity = j.value("identity", json::object());
    for (const auto& [k, v] : identity.items())
        if (v.is_string()) r.identity[k] = v.get<std::string>();
    r.ok = true;
    return r;
}

// Pools `runs` in order; the summary only when every run succeeded.
PooledRuns pool_runs(const std::vector<StoredRun>& runs, const std::vector<std::string>& names) {
    PooledRuns p;
    Identity identity;
    bool first = true;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        if (!runs[i].ok) {
            p.failures.push_back(names[i] + ": " + runs[i].failure);
            continue;
        }
        if (first) {
            p.samples = runs[i].samples, identity = runs[i].identity, first = false;
        } else if (runs[i].samples.lines_eV != p.samples.lines_eV) {  // stored by another config
            p.failures.push_back(names[i] +
                                 ": its test lines differ from the other runs'; delete it to rerun");
        } else {
            p.samples.append(runs[i].samples);
        }
    }
    p.complete = p.failures.empty() && !runs.empty();
    if (p.complete) p.summary = ChainSummary::of(p.samples, metrics_of(p.samples), identity);
    return p;
}

// The waveforms of a failing candidate row: its first job's first sub-stream again, the events the
// suite names dumped (tb/waveforms.hpp), on the coordinator in an isolated child.
void dump_failing_row(const RegressionSuite& suite, const RegressionResults& results,
                      const RegressionRequest& request, RegressionRow& row, std::ostream* progress) {
    const RegressionDesign& design = suite.designs[row.design];
    if (row.passed() || suite.waves_on_failure.empty() || !design.pixel_block || row.jobs.empty()) return;
    const RegressionJob& job = results.jobs[row.jobs.front()];
    ChainJob c = job_of(suite, job, split_job(suite, row.jobs.front(), job.seed).front(), request);
    const fs::path dir =
        request.out / "waves" / file_part(design.name) / file_part(suite.scenarios[row.scenario].name);
    fs::create_directories(dir);
    c.waves = dir / (file_part(row.rate) + ".fst");
    c.dump_events = suite.waves_on_failure;
    const IsolatedRun r = ChainRunner(ChainRunner::this_executable(), suite.timeout_s).run(c, dir / "work");
    row.waves = r.ok ? c.waves.string() : "none: " + r.failure.substr(0, 300);
    if (r.ok) fs::remove_all(dir / "work");
    if (progress)
        *progress << fmt::format("[regress] {} / {} / {} failed: waveforms of {} ({}): {}\n", design.name,
                                 suite.scenarios[row.scenario].name, row.rate, suite.waves_on_failure,
                                 "seed " + std::to_string(job.seed) + ", sub-stream 0", row.waves);
}

}  // namespace

bool RegressionRow::passed() const {
    if (!pooled.complete) return false;
    for (const GoldenCheck& c : checks)
        if (!c.pass) return false;
    return true;
}

bool RegressionResults::passed() const {
    for (const RegressionRow& r : rows)
        if (!r.passed()) return false;
    return !rows.empty();
}

std::vector<GoldenCheck> check_goldens(const RegressionSuite& suite, const RegressionRow& row) {
    std::vector<GoldenCheck> checks;
    for (const GoldenFigure& g : suite.goldens) {
        if (g.design != suite.designs[row.design].name || g.scenario != suite.scenarios[row.scenario].name ||
            (!g.rate.empty() && g.rate != row.rate))
            continue;
        GoldenCheck c{g, NAN, false, ""};
        const std::string expected =
            g.value ? fmt::format("{:.4g} +- {:.0f} %", *g.value, 100 * g.tolerance) : "not fitted";
        if (!row.pooled.summary) {
            c.detail = "the row did not complete";
        } else {
            c.measured = *row.pooled.summary->figure(g.figure);
            const bool fitted = std::isfinite(c.measured);
            if (!g.value)
                c.pass = !fitted;
            else
                c.pass = fitted && std::fabs(c.measured - *g.value) <= g.tolerance * std::fabs(*g.value);
            c.detail = fmt::format("{} {} against {}", g.figure,
                                   fitted ? fmt::format("{:.4g}", c.measured) : "not fitted", expected);
        }
        checks.push_back(c);
    }
    return checks;
}

std::optional<RegressionResults> run_regression(const RegressionSuite& suite,
                                                const RegressionRequest& request, WorkPool& pool,
                                                std::ostream* progress) {
    const auto start = std::chrono::steady_clock::now();
    RegressionResults results;
    results.jobs = expand_jobs(suite);
    results.workers = pool.workers();
    struct Run {
        std::size_t job;
        SubStream part;
        fs::path file;
    };
    std::vector<Run> runs;
    std::vector<std::string> tasks;  // only those not flushed by an earlier run
    std::vector<std::size_t> task_run;
    std::vector<std::string> candidate_hash;
    for (const RegressionDesign& d : suite.designs) candidate_hash.push_back(folder_hash(d.candidate));
    for (std::size_t j = 0; j < results.jobs.size(); ++j)
        for (const SubStream& part : split_job(suite, j, results.jobs[j].seed)) {
            const std::string task = json{
                {"job", job_of(suite, results.jobs[j], part, request).to_json()},
                {"timeout_s",
                 suite.timeout_s}}.dump();
            runs.push_back(
                {j, part,
                 run_file(request, suite, results.jobs[j], part, candidate_hash[results.jobs[j].design])});
            if (fs::exists(runs.back().file)) continue;
            tasks.push_back(task);
            task_run.push_back(runs.size() - 1);
        }
    results.runs = runs.size();
    results.resumed = runs.size() - tasks.size();
    if (pool.coordinator() && progress)
        *progress << fmt::format("[regress] {}: {} jobs, {} chain runs ({} already done), {} worker(s)\n",
                                 suite.name, results.jobs.size(), runs.size(), results.resumed,
                                 pool.workers());
    std::size_t finished = 0;
    pool.run(tasks, run_sub_stream, [&](std::size_t t, const TaskResult& r) {
        const auto flush_start = std::chrono::steady_clock::now();
        const Run& run = runs[task_run[t]];
        fs::create_directories(run.file.parent_path());
        const fs::path failed = fs::path(run.file).replace_extension(".failed.txt");
        if (r.ok) {
            write_file_atomically(run.file, r.bytes);
            fs::remove(failed);
        } else {
            write_file_atomically(failed, r.failure);
        }
        ++finished;
        if (progress)
            *progress << fmt::format("[regress] {}/{} {} sub-stream {} ({} photons, seed {}): {}{}\n",
                                     finished, tasks.size(), results.jobs[run.job].label(suite),
                                     run.part.index, run.part.pulses, run.part.seed, r.ok ? "done" : "FAILED",
                                     r.attempts > 1 ? fmt::format(" (attempt {})", r.attempts) : "")
                      << std::flush;
        results.flush_s += seconds_since(flush_start);
    });
    fs::remove_all(private_work_root());
    if (!pool.coordinator()) return std::nullopt;
    const auto merge_start = std::chrono::steady_clock::now();

    std::vector<std::vector<StoredRun>> stored(results.jobs.size());
    std::vector<std::vector<std::string>> names(results.jobs.size());
    for (const Run& run : runs) {
        stored[run.job].push_back(read_run(run.file));
        names[run.job].push_back(fmt::format("sub-stream {} (seed {})", run.part.index, run.part.seed));
        results.failed_runs += stored[run.job].back().ok ? 0 : 1;
    }
    for (std::size_t j = 0; j < results.jobs.size(); ++j)
        results.job_results.push_back(pool_runs(stored[j], names[j]));
    for (std::size_t j = 0; j < results.jobs.size(); ++j) {  // jobs of one row are adjacent (seeds innermost)
        const RegressionJob& job = results.jobs[j];
        if (results.rows.empty() || results.rows.back().design != job.design ||
            results.rows.back().scenario != job.scenario || results.rows.back().rate != job.rate)
            results.rows.push_back({job.design, job.scenario, job.rate, {}, {}, {}, {}});
        results.rows.back().jobs.push_back(j);
    }
    for (RegressionRow& row : results.rows) {
        std::vector<StoredRun> all;
        std::vector<std::string> labels;
        for (std::size_t j : row.jobs)
            for (std::size_t k = 0; k < stored[j].size(); ++k) {
                all.push_back(stored[j][k]);
                labels.push_back(fmt::format("seed {} {}", results.jobs[j].seed, names[j][k]));
            }
        row.pooled = pool_runs(all, labels);
        row.checks = check_goldens(suite, row);
    }
    results.merge_s = seconds_since(merge_start);
    for (RegressionRow& row : results.rows) dump_failing_row(suite, results, request, row, progress);
    results.wall_s = seconds_since(start);
    return results;
}

json RegressionResults::to_json(const RegressionSuite& suite) const {
    auto pooled_json = [](const PooledRuns& p) {
        json j = {{"complete", p.complete}, {"failures", p.failures}};
        j["summary"] = p.summary ? p.summary->to_json() : json();
        return j;
    };
    json j = {{"suite", suite.name},        {"passed", passed()}, {"runs", runs},    {"resumed", resumed},
              {"failed_runs", failed_runs}, {"workers", workers}, {"wall_s", wall_s}};
    j["coordinator_flush_s"] = flush_s;  // serial on rank 0, for scaling estimates
    j["coordinator_merge_s"] = merge_s;
    j["jobs"] = json::array();
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        json job = pooled_json(job_results[i]);
        job["design"] = suite.designs[jobs[i].design].name;
        job["scenario"] = suite.scenarios[jobs[i].scenario].name;
        job["rate"] = jobs[i].rate;
        job["seed"] = jobs[i].seed;
        j["jobs"].push_back(job);
    }
    j["rows"] = json::array();
    for (const RegressionRow& r : rows) {
        json row = pooled_json(r.pooled);
        row["design"] = suite.designs[r.design].name;
        row["scenario"] = suite.scenarios[r.scenario].name;
        row["rate"] = r.rate;
        row["passed"] = r.passed();
        row["waves"] = r.waves;
        row["golden"] = json::array();
        for (const GoldenCheck& c : r.checks)
            row["golden"].push_back({{"figure", c.golden.figure},
                                     {"expected", c.golden.value ? json(*c.golden.value) : json()},
                                     {"tolerance", c.golden.tolerance},
                                     {"measured", std::isfinite(c.measured) ? json(c.measured) : json()},
                                     {"pass", c.pass},
                                     {"detail", c.detail}});
        j["rows"].push_back(row);
    }
    return j;
}

}  // namespace pixforge::tb
