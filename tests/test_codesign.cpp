// The co-design study end to end with the real binary: kill -9 mid-study and resume without
// losing or recomputing a finished trial; failing trials recorded with their stage while the study
// goes on; theory guidance skips synthesis and is checked against it; the report and its summary.
#define BOOST_TEST_MODULE codesign
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/h5.hpp"
#include "core/process.hpp"
#include "optimizer/codesign/search_strategy.hpp"
#include "test_support.hpp"

using namespace pixforge;
namespace fs = std::filesystem;

namespace {

const fs::path kPixforge = PIXFORGE_BINARY_DIR "/bin/pixforge";

// The default config (D0 in a 250 um pixel, whose budget small networks fit) with a small, quick
// study: few windows and pulses, a two-point space.
fs::path write_small_study_config(const fs::path& dir, const std::string& extra = "") {
    std::ifstream in(test::source_dir() / "configs/default.toml");
    std::string text, line;
    while (std::getline(in, line) && line.rfind("# ---- the default co-design study", 0) != 0)
        text += line + "\n";
    text += R"(
[network]
window_first = 4
window_length = 8
[training]
epochs = 3
max_windows = 10000
[synthesis]
clock_period = "50ns"
strategy = "fast"
power_windows = 40
[codesign]
pulses = 1500
check_windows = 500
reference = [50000, 1e7, 1e6, 20000]
classical_weight_bits = [6]
classical_templates = "streaming_r1_cg"
front_seeds = 1
sweep_pulses = 500
[optimizer]
strategy = "sobol"
evaluations = 3
batch = 1
initial_points = 3
[space.hidden_width]
kind = "ordinal"
values = [2, 3]
[space.weight_bits]
kind = "integer"
min = 3
max = 4
)" + extra;
    // A smaller dataset than D0's 200 000 windows; a pixel that an ungated parallel block fits too
    // (this is about the study's mechanics; the budget is tested in test_physics and below).
    for (const auto& [from, to] : {std::pair<std::string, std::string>{"windows = 200000", "windows = 20000"},
                                   {"power_density = \"0.5W/cm2\"", "power_density = \"5W/cm2\""}})
        text.replace(text.find(from), from.size(), to);
    const fs::path path = dir / "study.toml";
    std::ofstream(path) << text;
    return path;
}

std::vector<nlohmann::json> journal_results(const fs::path& study) {
    std::vector<nlohmann::json> out;
    std::ifstream in(study / "journal.jsonl");
    for (std::string line; std::getline(in, line);) {
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_discarded() && j.contains("result")) out.push_back(j);
    }
    return out;
}

std::string run(const std::vector<std::string>& args, const fs::path& log, int* code = nullptr) {
    std::vector<std::string> argv{kPixforge.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const ProcessResult r = run_process(argv, log, 1200);
    if (code) *code = r.exit_code;
    return log_tail(log, 100000);
}

}  // namespace

BOOST_AUTO_TEST_CASE(killed_study_resumes_without_losing_or_recomputing_a_trial) {
    test::TempDir dir;
    const fs::path config = write_small_study_config(dir.path()), study = dir.path() / "study",
                   cache = dir.path() / "cache";
    // Start a study, kill -9 it as soon as its first trial is recorded.
    const pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        const int fd = ::open((dir.path() / "first.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1), dup2(fd, 2);
        execl(kPixforge.c_str(), kPixforge.c_str(), "optimize", "-c", config.c_str(), "-o", study.c_str(),
              "--cache", cache.c_str(), "--workers", "1", static_cast<char*>(nullptr));
        _exit(127);
    }
    const auto start = std::chrono::steady_clock::now();
    while (journal_results(study).empty() &&
           std::chrono::steady_clock::now() - start < std::chrono::minutes(10))
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    kill(-pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    const auto before = journal_results(study);
    BOOST_REQUIRE(!before.empty());
    BOOST_TEST(before.size() < 3u);
    const std::int64_t first = before.front()["result"];
    const auto metrics = study / "trials" / std::to_string(first) / "metrics.json";
    BOOST_REQUIRE(fs::exists(metrics));
    const auto stamp = fs::last_write_time(metrics);

    int code = -1;
    const std::string log = run({"optimize", "-c", config.string(), "-o", study.string(), "--cache",
                                 cache.string(), "--workers", "1", "--resume"},
                                dir.path() / "resume.log", &code);
    BOOST_TEST_MESSAGE(log);
    BOOST_TEST(code == 0);
    const auto after = journal_results(study);
    BOOST_TEST(after.size() == 3u);
    std::set<std::int64_t> ids;
    for (const auto& r : after) ids.insert(r["result"].get<std::int64_t>());
    BOOST_TEST(ids.size() == 3u);                         // no trial recorded twice
    BOOST_TEST((fs::last_write_time(metrics) == stamp));  // the finished trial was not recomputed
    BOOST_TEST(log.find("resuming: " + std::to_string(before.size()) + " trials done") != std::string::npos);

    // The report: every trial, its metrics, the Pareto set; and the printed summary.
    BOOST_REQUIRE(fs::exists(study / "report.h5"));
    h5::Handle f = h5::open_file_readonly((study / "report.h5").string());
    BOOST_TEST(*h5::read_string_attribute(f.id(), "schema") == "pixforge.codesign_report");
    BOOST_TEST(h5::shape(f.id(), "trials/id").at(0) == 3u);
    std::vector<double> area;
    h5::read_rows(f.id(), "trials/area_um2", 0, 3, area);
    for (double a : area) BOOST_TEST(a > 0.0);
    BOOST_TEST(h5::shape(f.id(), "pareto/id").at(0) >= 1u);
    // Resolution against rate: the best design and the classical baseline, three rates each.
    BOOST_TEST(h5::shape(f.id(), "rate_sweep/0/input_rate").at(0) == 3u);
    BOOST_TEST(h5::shape(f.id(), "rate_sweep/1/mean_fwhm").at(0) == 3u);
    // The classical hardware front: the 6-bit optimal filter through the same stages, its energy
    // resolved and its block synthesized.
    BOOST_TEST(h5::shape(f.id(), "classical/id").at(0) == 1u);
    std::vector<double> classical_fwhm, classical_area;
    h5::read_rows(f.id(), "classical/energy_fwhm_eV", 0, 1, classical_fwhm);
    h5::read_rows(f.id(), "classical/area_um2", 0, 1, classical_area);
    BOOST_TEST(classical_fwhm.at(0) > 0.0);
    BOOST_TEST(classical_fwhm.at(0) < 5000.0);
    BOOST_TEST(classical_area.at(0) > 0.0);
    const std::string summary = run({"report", study.string()}, dir.path() / "report.log", &code);
    BOOST_TEST(code == 0);
    BOOST_TEST(summary.find("3 trials, 3 succeeded") != std::string::npos);
    BOOST_TEST(summary.find("optimal_filter, 6-bit coefficients, streaming_r1_cg") != std::string::npos);
    const std::string as_json = run({"report", study.string(), "--json"}, dir.path() / "report.json", &code);
    BOOST_TEST(code == 0);
    const nlohmann::json j = nlohmann::json::parse(as_json);
    BOOST_TEST(j.at("pareto").size() >= 1u);
    BOOST_TEST(j.at("classical").size() == 1u);
    BOOST_TEST(j.at("combined_front").size() >= 1u);
    for (const auto& design : j.at("pareto"))  // each network on the front held against the classical designs
        BOOST_TEST((design.contains("dominated_by") && design.contains("dominates")));
    BOOST_TEST(summary.find("Classical baseline in the same chain") != std::string::npos);
    // Each network of the front retrained with one more seed (run.seed + 1) through every stage: a
    // new network (other weights), the spread of its objectives across the two seeds.
    const std::size_t front = j.at("pareto").size();
    BOOST_TEST(h5::shape(f.id(), "front_seeds/retrain_of").at(0) == front);
    BOOST_TEST(j.at("seed_spread").size() == front);
    for (const auto& s : j.at("seed_spread")) {
        BOOST_TEST((s.at("seeds") == nlohmann::json{1, 2}));
        const auto& fwhm = s.at("objectives").at("energy_fwhm_eV");
        BOOST_TEST(fwhm.at("values").size() == 2u);
        BOOST_TEST(fwhm.at("min").get<double>() <= fwhm.at("mean").get<double>());
        BOOST_TEST(fwhm.at("mean").get<double>() <= fwhm.at("max").get<double>());
    }
    const auto retrained = nlohmann::json::parse(std::ifstream(study / "seeds" / "0" / "metrics.json"));
    const auto trial = nlohmann::json::parse(std::ifstream(
        study / "trials" / std::to_string(retrained.at("retrain_of").get<int>()) / "metrics.json"));
    BOOST_TEST(retrained.at("training_seed") == 2);
    BOOST_TEST(retrained.at("design") == trial.at("design"));
    BOOST_TEST(retrained.at("network_hash") != trial.at("network_hash"));
    BOOST_TEST(summary.find("retrained with other seeds") != std::string::npos);

    // The pre-tapeout checklist on a trial's candidate; then against its own golden figures, and
    // against a clock it cannot meet.
    const std::string candidate = (study / "trials" / std::to_string(first) / "candidate").string();
    const std::vector<std::string> validate{"validate", "-c",        config.string(), "--candidate",
                                            candidate,  "--vectors", "500",           "-n",
                                            "800",      "--cache",   cache.string()};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> v = validate;
        v.insert(v.end(), extra.begin(), extra.end());
        return v;
    };
    const std::string v1 =
        run(with({"--write-golden", (dir.path() / "golden.json").string()}), dir.path() / "v1.log", &code);
    BOOST_TEST_MESSAGE(v1);
    BOOST_TEST(v1.find("RTL = integer reference    PASS") != std::string::npos);
    BOOST_TEST(v1.find("gate level = RTL           PASS") != std::string::npos);
    BOOST_TEST(v1.find("pixel block gate = RTL     PASS") != std::string::npos);
    BOOST_TEST(v1.find("no loss at max rate        PASS") != std::string::npos);
    const std::string v2 =
        run(with({"--golden", (dir.path() / "golden.json").string()}), dir.path() / "v2.log", &code);
    BOOST_TEST(v2.find("regression                 PASS") != std::string::npos);
    const std::string v3 =
        run(with({"--set", "synthesis.clock_period=\"1ns\""}), dir.path() / "v3.log", &code);
    BOOST_TEST(code == 1);
    BOOST_TEST(v3.find("timing                     FAIL") != std::string::npos);
    BOOST_TEST(v3.find("VALIDATION FAILED") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(failing_trials_are_recorded_with_their_stage_and_the_study_goes_on) {
    test::TempDir dir;
    // Yosys gets one second: every synthesis times out, every trial fails at that stage.
    const fs::path config = write_small_study_config(dir.path(), "");
    const fs::path study = dir.path() / "study";
    int code = -1;
    const std::string log =
        run({"optimize", "-c", config.string(), "-o", study.string(), "--cache",
             (dir.path() / "cache").string(), "--budget", "2", "--set", "synthesis.yosys_timeout=\"0.001s\""},
            dir.path() / "log", &code);
    // 0.001 s is below the schema's minimum: bad input is refused before anything runs.
    BOOST_TEST(code == 2);
    BOOST_TEST(log.find("CFG-006") != std::string::npos);
    BOOST_TEST(!fs::exists(study / "journal.jsonl"));
    const std::string log2 =
        run({"optimize", "-c", config.string(), "-o", study.string(), "--cache",
             (dir.path() / "cache").string(), "--budget", "2", "--set", "synthesis.yosys_timeout=\"1s\"",
             "--set", "synthesis.strategy=\"balanced\""},
            dir.path() / "log2", &code);
    BOOST_TEST_MESSAGE(log2);
    BOOST_TEST(code == 0);
    const auto results = journal_results(study);
    BOOST_TEST(results.size() == 2u);
    std::size_t failed_at_synthesis = 0;
    for (const auto& r : results) {
        const auto m = nlohmann::json::parse(
            std::ifstream(study / "trials" / std::to_string(r["result"].get<int>()) / "metrics.json"));
        if (!r["ok"].get<bool>()) {
            failed_at_synthesis += m["failed_stage"] == "synthesis";
            BOOST_TEST(m["error"].get<std::string>().find("PPA-003") != std::string::npos);
        }
    }
    BOOST_TEST_MESSAGE(failed_at_synthesis << " of 2 trials failed at synthesis");
    BOOST_TEST(failed_at_synthesis >= 1u);
    BOOST_TEST(log2.find("failed at synthesis") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(theory_guidance_uses_proxies_then_checks_them_with_synthesis) {
    test::TempDir dir;
    const fs::path config = write_small_study_config(dir.path()), study = dir.path() / "study";
    int code = -1;
    const std::string log = run({"optimize", "-c", config.string(), "-o", study.string(), "--cache",
                                 (dir.path() / "cache").string(), "--budget", "2", "--guidance", "theory",
                                 "--set", "codesign.theory_reference=[50000, 1e6, 1e8, 2000]"},
                                dir.path() / "log", &code);
    BOOST_TEST_MESSAGE(log);
    BOOST_TEST(code == 0);
    const auto setup = nlohmann::json::parse(std::ifstream(study / "codesign.json"));
    BOOST_TEST(setup["objectives"][1] == "parameter_bits");
    for (const auto& r : journal_results(study))  // no synthesis ran during the study
        BOOST_TEST(!fs::exists(study / "trials" / std::to_string(r["result"].get<int>()) / "ppa.json"));
    BOOST_REQUIRE(fs::exists(study / "theory_check.json"));
    const auto check = nlohmann::json::parse(std::ifstream(study / "theory_check.json"));
    BOOST_TEST(check["synthesized"].get<int>() >= 1);
    BOOST_TEST(log.find("Theory guidance checked with synthesis") != std::string::npos);
}

// Heterogeneous co-exploration: a design of an energy network on a serial template and a timing
// network on a parallel one. Each trains only its head, each is checked against its reference, one
// pixel block holds both and is synthesized and simulated; the per-task latencies are the
// templates' (the timing result in 3 clocks, the energy one later) and the latency spec is a
// constraint; the folder runs again as one block under `simulate`, and not at the network level.
BOOST_AUTO_TEST_CASE(a_network_per_task_shares_one_pixel_block_under_a_latency_spec) {
    test::TempDir dir;
    const fs::path config = write_small_study_config(dir.path(), R"(
[space.tasks]
kind = "categorical"
choices = ["energy|toa"]
[space.template]
kind = "categorical"
choices = ["serial"]
[space."template@toa"]
kind = "categorical"
choices = ["parallel"]
[space."hidden_width@toa"]
kind = "ordinal"
values = [2]
)");
    const fs::path study = dir.path() / "study", cache = dir.path() / "cache";
    int code = -1;
    const std::string log = run({"optimize",
                                 "-c",
                                 config.string(),
                                 "-o",
                                 study.string(),
                                 "--cache",
                                 cache.string(),
                                 "--budget",
                                 "1",
                                 "--set",
                                 "codesign.objectives=\"energy_fwhm_eV toa_sigma_ns area_um2\"",
                                 "--set",
                                 "codesign.reference=[50000, 100, 1e7]",
                                 "--set",
                                 "codesign.limits=\"toa_latency_ns<=200 energy_latency_ns<=100\"",
                                 "--set",
                                 "codesign.classical_weight_bits=[]",
                                 "--set",
                                 "codesign.front_seeds=0",
                                 "--set",
                                 "codesign.sweep_rates=[]"},
                                dir.path() / "log", &code);
    BOOST_TEST_MESSAGE(log);
    BOOST_TEST_REQUIRE(code == 0);
    const fs::path trial = study / "trials" / "0";
    const auto m = nlohmann::json::parse(std::ifstream(trial / "metrics.json"));
    BOOST_TEST_MESSAGE(m.dump(1));
    BOOST_TEST_REQUIRE(!m.contains("failed_stage"));
    BOOST_TEST(m["template"] == "serial+parallel_p1");
    const std::string network = m["network"];
    BOOST_TEST(network.rfind("energy: ", 0) == 0u);
    BOOST_TEST(network.find(" | toa: in 8 > 2 ") != std::string::npos);
    for (const char* core : {"core0", "core1"})
        BOOST_TEST(fs::exists(trial / "candidate" / core / "network.h5"));
    BOOST_TEST(!fs::exists(trial / "candidate" / "network.h5"));
    // from the window's last sample: the timing network's window register, input stage and 2
    // layers = 4 clocks of 50 ns; the serial energy network takes one step per weight, and the
    // block's result leaves with it
    BOOST_TEST(m["toa_latency_ns"].get<double>() == 200.0);
    BOOST_TEST(m["energy_latency_ns"].get<double>() > 500.0);
    BOOST_TEST((m["latency_cycles"].get<double>() + 1) * 50 == m["energy_latency_ns"].get<double>());
    BOOST_TEST(std::isfinite(m["toa_sigma_ns"].get<double>()));
    BOOST_TEST(m["energy_fwhm_eV"].get<double>() < 50000);
    const auto ppa = nlohmann::json::parse(std::ifstream(trial / "ppa.json"));
    BOOST_TEST(ppa["block"] == "pixel");
    BOOST_TEST(ppa["template"] == "serial+parallel_p1");
    // constraints: area, power, slack, lost, then the specs: the energy one broken, the timing one met
    const auto constraints = m["constraints"].get<std::vector<double>>();
    BOOST_TEST_REQUIRE(constraints.size() == 6u);
    BOOST_TEST(constraints[4] == 0.0);
    BOOST_TEST(constraints[5] > 0.0);
    BOOST_TEST(log.find("1 limit_energy_latency_ns") != std::string::npos);
    BOOST_TEST(log.find("0 limit_toa_latency_ns") != std::string::npos);

    const std::string again =
        run({"simulate", "-c", (trial / "config.toml").string(), "--candidate",
             (trial / "candidate").string(), "-n", "300", "--cache", cache.string(), "--json"},
            dir.path() / "simulate", &code);
    BOOST_TEST(code == 0);
    BOOST_TEST(again.find("serial+parallel_p1") != std::string::npos);
    run({"simulate", "-c", (trial / "config.toml").string(), "--candidate", (trial / "candidate").string(),
         "-n", "300", "--cache", cache.string(), "--block", "network"},
        dir.path() / "network_level", &code);
    BOOST_TEST(code != 0);
    BOOST_TEST(log_tail(dir.path() / "network_level", 10000).find("SIM-014") != std::string::npos);
    // validate takes the block: each network against its reference and at the gate level, the
    // block synthesized, the chain at validate.max_rate (which the serial energy network may not
    // keep up with: that check may fail; the others must pass).
    const std::string checked =
        run({"validate", "-c", (trial / "config.toml").string(), "--candidate",
             (trial / "candidate").string(), "--cache", cache.string(), "--vectors", "300", "-n", "300"},
            dir.path() / "validate", &code);
    BOOST_TEST_MESSAGE(checked);
    BOOST_TEST(checked.find("serial+parallel_p1") != std::string::npos);
    for (const char* line : {"RTL = integer reference (network 0) PASS",
                             "RTL = integer reference (network 1) PASS", "gate level = RTL (network 0) PASS",
                             "gate level = RTL (network 1) PASS", "pixel block gate = RTL     PASS"})
        BOOST_TEST(checked.find(line) != std::string::npos, line);
    // A command that takes one network says so, and names a network's folder.
    run({"bench-chain", "-c", (trial / "config.toml").string(), "--candidate", (trial / "candidate").string(),
         "--cache", cache.string()},
        dir.path() / "bench", &code);
    BOOST_TEST(code != 0);
    const std::string refused = log_tail(dir.path() / "bench", 10000);
    BOOST_TEST(refused.find("SIM-014") != std::string::npos);
    BOOST_TEST(refused.find("core0") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(strategies_compare_on_the_same_budget_and_seed) {
    test::TempDir dir;
    const fs::path config = write_small_study_config(dir.path(), R"(
[space.template]
kind = "categorical"
choices = ["streaming", "serial"]
)"),
                   out = dir.path() / "cmp";
    const std::vector<std::string> args{"compare-strategies",
                                        "-c",
                                        config.string(),
                                        "-o",
                                        out.string(),
                                        "--budget",
                                        "4",
                                        "--seeds",
                                        "1",
                                        "--strategies",
                                        "joint",
                                        "successive",
                                        "semi_decoupled",
                                        "--cache",
                                        (dir.path() / "cache").string(),
                                        "--set",
                                        "codesign.network_trials=2",
                                        "--set",
                                        "codesign.keep_networks=2",
                                        "--set",
                                        "codesign.proxy_hardware=\"template=streaming\"",
                                        "--set",
                                        "optimizer.batch=2",
                                        "--set",
                                        "optimizer.initial_points=2"};
    int code = -1;
    const std::string log = run(args, dir.path() / "cmp.log", &code);
    BOOST_TEST_MESSAGE(log);
    BOOST_TEST(code == 0);
    const auto result = nlohmann::json::parse(std::ifstream(out / "comparison.json"));
    BOOST_TEST(result.at("table").size() == 3u);
    BOOST_TEST(result.at("runs").size() == 3u);
    for (const auto& r : result.at("runs")) {
        BOOST_TEST(r.at("trials") == 4);
        BOOST_TEST(r.at("feasible").get<int>() <= 4);
        BOOST_TEST(r.at("violations").get<int>() <= r.at("answer").get<int>());
        BOOST_TEST(r.at("hypervolume").get<double>() >= 0.0);
    }
    BOOST_TEST(log.find("semi_decoupled") != std::string::npos);
    // Trial k of a strategy's study: its design split into network and hardware.
    const auto design = [&](const std::string& strategy, int k) {
        const auto m = nlohmann::json::parse(
            std::ifstream(out / strategy / "seed-1" / "trials" / std::to_string(k) / "metrics.json"));
        return std::pair{m, codesign::split_design(m.at("design").get<std::string>())};
    };
    // Successive: two networks on the proxy (streaming), then the more accurate one on the hardware.
    const auto [s0, d0] = design("successive", 0);
    const auto [s1, d1] = design("successive", 1);
    BOOST_TEST(d0.second == "template=streaming");
    BOOST_TEST(d1.second == "template=streaming");
    const std::string accurate =
        s0.at("energy_fwhm_eV").get<double>() <= s1.at("energy_fwhm_eV").get<double>() ? d0.first : d1.first;
    for (int k : {2, 3}) BOOST_TEST(design("successive", k).second.first == accurate);
    // Semi-decoupled: both networks kept, both on the one other hardware point.
    std::set<std::string> kept;
    for (int k : {2, 3}) {
        const auto [m, d] = design("semi_decoupled", k);
        BOOST_TEST(d.second == "template=serial");
        kept.insert(d.first);
    }
    BOOST_TEST(kept.size() == 2u);
    // What it spared: 2 networks on 1 more hardware point is 2 trials, as many as phase 2 took.
    const std::string report = run({"report", (out / "semi_decoupled" / "seed-1").string(), "--json"},
                                   dir.path() / "semi.json", &code);
    const auto savings = nlohmann::json::parse(report.substr(report.find('{'))).at("phase_savings");
    BOOST_TEST(savings.at("phase_one_trials") == 2);
    BOOST_TEST(savings.at("kept") == 2);
    BOOST_TEST(savings.at("hardware_points") == 1);
    BOOST_TEST(savings.at("coupled_trials") == 2);
    BOOST_TEST(savings.at("saved_trials") == 0);
    // A rerun resumes every study: nothing is evaluated again.
    const auto stamp = fs::last_write_time(out / "joint" / "seed-1" / "trials" / "0" / "metrics.json");
    const std::string again = run(args, dir.path() / "again.log", &code);
    BOOST_TEST(code == 0);
    BOOST_TEST(journal_results(out / "joint" / "seed-1").size() == 4u);
    BOOST_TEST((fs::last_write_time(out / "joint" / "seed-1" / "trials" / "0" / "metrics.json") == stamp));
    std::vector<std::string> bad = args;
    bad[std::find(bad.begin(), bad.end(), "joint") - bad.begin()] = "annealing";
    const std::string refused = run(bad, dir.path() / "bad.log", &code);
    BOOST_TEST(code != 0);
    BOOST_TEST(refused.find("annealing") != std::string::npos);
}

// mpirun -np 3: rank 0 keeps the journal and proposes, the two other ranks train, build, synthesize
// and simulate each batch's trials and send their folders back. As if the ranks shared no file
// system, the workers get a study folder and a cache of their own (an MPMD launch), so rank 0 has only
// what came back as bytes. The same study in one process, with a cache of its own, gives the same
// trials, bit for bit.
BOOST_AUTO_TEST_CASE(a_study_on_three_mpi_ranks_gives_the_trials_of_one_process) {
    test::TempDir dir;
    const fs::path config = write_small_study_config(dir.path(), "");
    // Two trials per batch, one per worker rank.
    std::string text = test::read_text(config);
    text.replace(text.find("evaluations = 3\nbatch = 1"), 25, "evaluations = 4\nbatch = 2");
    std::ofstream(config) << text;
    const fs::path mpirun = find_executable("mpirun");
    BOOST_REQUIRE_MESSAGE(!mpirun.empty(), "mpirun is not installed (scripts/setup.sh installs openmpi-bin)");
    const fs::path ranks = dir.path() / "ranks", one = dir.path() / "one";
    const auto study = [&](const std::string& np, const fs::path& out, const std::string& cache) {
        return std::vector<std::string>{
            "-np",           np,   kPixforge.string(), "optimize", "-c",
            config.string(), "-o", out.string(),       "--cache",  (dir.path() / cache).string()};
    };
    std::vector<std::string> argv{mpirun.string(), "--allow-run-as-root", "--oversubscribe",
                                  "--enable-recovery"};
    for (const std::string& a : study("1", ranks, "cache_rank0")) argv.push_back(a);
    argv.push_back(":");
    for (const std::string& a : study("2", dir.path() / "workers_own", "cache_workers")) argv.push_back(a);
    const ProcessResult r = run_process(argv, dir.path() / "ranks.log", 1200);
    const std::string log = test::read_text(dir.path() / "ranks.log");
    BOOST_TEST(r.exited);
    BOOST_TEST(log.find("trials on 2 MPI worker rank(s)") != std::string::npos, log.substr(0, 3000));
    int code = -1;
    run({"optimize", "-c", config.string(), "-o", one.string(), "--cache",
         (dir.path() / "cache_one").string(), "--workers", "1"},
        dir.path() / "one.log", &code);
    BOOST_TEST(code == 0);
    const auto on_ranks = journal_results(ranks), alone = journal_results(one);
    BOOST_REQUIRE(on_ranks.size() == 4u);
    BOOST_REQUIRE(alone.size() == 4u);
    std::map<std::int64_t, nlohmann::json> by_id;
    for (const auto& j : alone) by_id[j["result"].get<std::int64_t>()] = j;
    for (const auto& j : on_ranks) {
        const std::int64_t id = j["result"].get<std::int64_t>();
        BOOST_TEST(j["objectives"] == by_id[id]["objectives"], "trial " << id);
        BOOST_TEST(fs::exists(ranks / "trials" / std::to_string(id) / "metrics.json"));
        BOOST_TEST(fs::exists(ranks / "trials" / std::to_string(id) / "candidate" / "network.h5"));
        // The workers wrote the trial in their own folder; rank 0's copy came as bytes.
        BOOST_TEST(fs::exists(dir.path() / "workers_own" / "trials" / std::to_string(id) / "metrics.json"));
    }
    BOOST_TEST(fs::exists(ranks / "report.h5"));
    BOOST_TEST(!fs::exists(dir.path() / "workers_own" / "journal.jsonl"));  // one journal, rank 0's
}
