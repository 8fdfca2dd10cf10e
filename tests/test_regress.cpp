// pixforge regress: sub-streams split and pool exactly, golden figures pass and fail, a killed run
// resumes, and the same suite gives the same merged figures on one process and on three MPI ranks,
// one of which is killed mid-run (the real binary, the real mpirun, classical designs on short streams).
#define BOOST_TEST_MODULE regress
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/config.hpp"
#include "core/process.hpp"
#include "models/chain_params.hpp"
#include "models/network/quantized_network.hpp"
#include "models/network/random_network.hpp"
#include "optimizer/codesign/config_keys.hpp"
#include "tb/chain_testbench.hpp"
#include "tb/regression_suite.hpp"
#include "tb/scoreboard.hpp"
#include "test_support.hpp"

using namespace pixforge;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path kPixforge = PIXFORGE_BINARY_DIR "/bin/pixforge";

// Two designs over two scenarios: the optimal filter in D0 at two rates and in A3 (a Landau spectrum:
// no line, so its FWHM is not fitted), and the CFD in A3 only. `goldens` are appended as [[golden]].
fs::path write_suite(const fs::path& dir, const std::string& goldens = "", std::uint64_t pulses = 400) {
    const fs::path configs = test::source_dir() / "configs";
    const fs::path file = dir / "suite.toml";
    std::ofstream(file) << "[suite]\nname = \"test\"\npulses = " << pulses
                        << "\nsub_stream = 200\nseeds = [1, 2]\ntimeout = 300\n\n"
                        << "[[design]]\nname = \"of\"\nclassical = \"optimal_filter\"\n\n"
                        << "[[design]]\nname = \"cfd\"\nclassical = \"cfd\"\nscenarios = [\"A3\"]\n\n"
                        << "[[scenario]]\nname = \"D0\"\nconfig = \"" << (configs / "d0_75um.toml").string()
                        << "\"\nrates = [\"1e4/s\", \"3e5/s\"]\n\n"
                        << "[[scenario]]\nname = \"A3\"\nconfig = \"" << (configs / "a3_timing.toml").string()
                        << "\"\n\n"
                        << goldens;
    return file;
}

struct Run {
    int exit_code = -1;
    json results;
    std::string log;
};

Run regress(const std::vector<std::string>& launcher, const fs::path& suite, const fs::path& out,
            std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = launcher;
    for (const std::string& a :
         {kPixforge.string(), std::string("regress"), suite.string(), std::string("-o"), out.string()})
        argv.push_back(a);
    argv.insert(argv.end(), extra.begin(), extra.end());
    const fs::path log = out.string() + ".log";
    const ProcessResult r = run_process(argv, log, 900);
    Run run;
    run.exit_code = r.exited ? r.exit_code : -1;
    run.log = test::read_text(log);
    run.results = json::parse(test::read_text(out / "results.json"), nullptr, false);
    if (!run.results.is_object()) BOOST_TEST_MESSAGE(run.log.substr(0, 6000));
    return run;
}

// The merged figures, without what may differ between runs of the same suite (wall time).
json figures(const json& results) {
    json out = json::array();
    for (const char* level : {"rows", "jobs"})
        for (json entry : results.at(level)) {
            if (entry["summary"].is_object()) entry["summary"].erase("wall_s");
            out.push_back(entry);
        }
    return out;
}

// A candidate folder made by the real `pixforge rtl` from a random network of D0's 32 samples of
// 10 bits: real Verilated RTL in the regression (behind the behavioural trigger).
fs::path candidate_folder(const fs::path& dir) {
    models::NetShape shape;
    shape.hidden = {4};
    shape.weight_bits = 4;
    const fs::path net = dir / "net.h5", out = dir / "candidate";
    models::save_network(models::random_network(shape, 17, 32), net.string(), "{}");
    const ProcessResult r = run_process({kPixforge.string(), "rtl", "-n", net.string(), "-o", out.string()},
                                        dir / "rtl.log", 600);
    BOOST_TEST_REQUIRE(r.exit_code == 0, test::read_text(dir / "rtl.log"));
    return out;
}

// The same as the pixel's whole block: 16 samples after the baseline, on the streaming template.
fs::path pixel_block_candidate(const fs::path& dir) {
    models::NetShape shape;
    shape.hidden = {4};
    shape.weight_bits = 4;
    models::QuantizedNetwork net = models::random_network(shape, 23, 16);
    net.input.first = 4;
    const fs::path file = dir / "block_net.h5", out = dir / "block_candidate";
    models::save_network(net, file.string(), "{}");
    const ProcessResult r = run_process({kPixforge.string(), "rtl", "-n", file.string(), "-t", "streaming",
                                         "--clock-gating", "-o", out.string()},
                                        dir / "rtl_block.log", 600);
    BOOST_TEST_REQUIRE(r.exit_code == 0, test::read_text(dir / "rtl_block.log"));
    return out;
}

std::vector<std::string> mpirun(int ranks) {
    const fs::path found = find_executable("mpirun");
    BOOST_REQUIRE_MESSAGE(!found.empty(), "mpirun is not installed (scripts/setup.sh installs openmpi-bin)");
    return {found.string(), "--allow-run-as-root", "--oversubscribe", "--enable-recovery",
            "-np",          std::to_string(ranks)};
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_job_splits_into_sub_streams_that_keep_every_photon, *boost::unit_test::label("fast")) {
    tb::RegressionSuite suite;
    suite.pulses = 1001, suite.sub_stream = 300;
    const std::vector<tb::SubStream> parts = tb::split_job(suite, 3, 17);
    BOOST_TEST(parts.size() == 4u);
    std::uint64_t total = 0;
    for (const tb::SubStream& p : parts) {
        total += p.pulses;
        BOOST_TEST(p.pulses <= 300u);
        BOOST_TEST(p.job == 3u);
    }
    BOOST_TEST(total == 1001u);
    BOOST_TEST(parts[0].seed == 17u);  // one sub-stream reproduces `simulate --set run.seed=17`
    BOOST_TEST(parts[1].seed != parts[2].seed);
    BOOST_TEST(parts[1].seed != 17u);
    BOOST_TEST(parts[3].seed < (std::uint64_t{1} << 53));
    BOOST_TEST(tb::split_job(suite, 3, 17)[2].seed == parts[2].seed);  // derived, not drawn
    BOOST_TEST(tb::split_job(suite, 3, 18)[2].seed != parts[2].seed);
}

BOOST_AUTO_TEST_CASE(samples_of_two_streams_pool_exactly_and_survive_cbor, *boost::unit_test::label("fast")) {
    const Config config =
        Config::load(codesign::all_config_keys(), test::source_dir() / "configs/d0_75um.toml");
    const models::PixelChain chain(models::chain_params_from(config));
    tb::ChainOptions options = tb::ChainOptions::from_config(config);
    options.pulses = 300;
    tb::ChainSamples first =
        tb::sample_chain(tb::run_chain_classical(chain, config, options, "optimal_filter"), chain);
    options.seed = 2;
    const tb::ChainSamples second =
        tb::sample_chain(tb::run_chain_classical(chain, config, options, "optimal_filter"), chain);
    tb::ChainSamples pooled = first;
    pooled.append(second);
    BOOST_TEST(pooled.pulses == first.pulses + second.pulses);
    BOOST_TEST(pooled.duration_s == first.duration_s + second.duration_s);
    for (std::size_t l = 0; l < pooled.lines_eV.size(); ++l)
        BOOST_TEST(pooled.line_energies_eV[l].size() ==
                   first.line_energies_eV[l].size() + second.line_energies_eV[l].size());
    const tb::ChainMetrics m = tb::metrics_of(pooled);
    BOOST_TEST(m.input_rate == static_cast<double>(pooled.pulses) / pooled.duration_s);
    // Through CBOR (how a worker rank hands them back) the samples and their figures are bit-exact.
    const tb::ChainSamples back =
        tb::ChainSamples::from_json(json::from_cbor(json::to_cbor(pooled.to_json())), "test");
    BOOST_TEST(back.to_json().dump() == pooled.to_json().dump());
    const tb::ChainMetrics mb = tb::metrics_of(back);
    for (std::size_t l = 0; l < m.lines.size(); ++l)
        BOOST_TEST((m.lines[l].fwhm_eV == mb.lines[l].fwhm_eV ||
                    (std::isnan(m.lines[l].fwhm_eV) && std::isnan(mb.lines[l].fwhm_eV))));
    BOOST_TEST(m.timing.sigma_s == mb.timing.sigma_s);
    tb::ChainSamples other_lines = second;
    other_lines.lines_eV.push_back(1);
    BOOST_CHECK_THROW(pooled.append(other_lines), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(golden_figures_pass_fail_and_a_rerun_resumes_every_run) {
    test::TempDir dir;
    const Run first = regress({}, write_suite(dir.path()), dir.path() / "out");
    BOOST_REQUIRE(first.results.is_object());
    BOOST_TEST(first.exit_code == 0);         // no golden figure: every row completes
    BOOST_TEST(first.results["runs"] == 16);  // 4 + 2 + 2 jobs of 2 sub-streams
    BOOST_TEST(first.results["failed_runs"] == 0);
    const json& d0 = first.results["rows"][0];
    BOOST_TEST(d0["design"] == "of");
    BOOST_TEST(d0["summary"]["pulses"] == 800);  // two seeds of 400 photons
    const double fwhm = d0["summary"]["energy_fwhm_mean_eV"].get<double>();
    BOOST_TEST(fwhm > 0);
    BOOST_TEST(first.results["rows"][2]["summary"]["energy_fwhm_mean_eV"].is_null());  // A3: no line

    // Goldens: D0's FWHM as measured (passes), A3's FWHM not fitted (passes), then one 30 % off (fails).
    const std::string golden = fmt::format(
        "[[golden]]\ndesign = \"of\"\nscenario = \"D0\"\nrate = \"1e4/s\"\nfigure = \"energy_fwhm_mean_eV\"\n"
        "value = {}\ntolerance = 0.001\n\n[[golden]]\ndesign = \"of\"\nscenario = \"A3\"\nfigure = "
        "\"energy_fwhm_mean_eV\"\nvalue = \"not fitted\"\n",
        fwhm);
    const Run resumed = regress({}, write_suite(dir.path(), golden), dir.path() / "out");
    BOOST_TEST(resumed.exit_code == 0);
    BOOST_TEST(resumed.results["resumed"] == 16);  // the goldens do not change a chain run
    BOOST_TEST(resumed.results["passed"] == true);
    BOOST_TEST(resumed.results["rows"][0]["golden"][0]["pass"] == true);
    BOOST_TEST(resumed.results["rows"][0]["summary"] == first.results["rows"][0]["summary"]);

    const Run failing =
        regress({},
                write_suite(dir.path(),
                            golden + fmt::format("\n[[golden]]\ndesign = \"of\"\nscenario = \"D0\"\nfigure = "
                                                 "\"energy_fwhm_mean_eV\"\nvalue = {}\ntolerance = 0.1\n",
                                                 1.3 * fwhm)),
                dir.path() / "out");
    BOOST_TEST(failing.exit_code == 1);
    BOOST_TEST(failing.results["passed"] == false);
    BOOST_TEST(failing.results["rows"][0]["golden"][1]["pass"] == false);
    BOOST_TEST(failing.results["rows"][1]["golden"][0]["pass"] == false);  // every rate when none is named
}

BOOST_AUTO_TEST_CASE(kill_9_then_rerun_skips_the_flushed_runs_and_merges_the_same) {
    test::TempDir dir;
    const fs::path suite = write_suite(dir.path());
    const Run whole = regress({}, suite, dir.path() / "whole");
    BOOST_REQUIRE(whole.results.is_object());

    const fs::path out = dir.path() / "killed";
    std::fflush(nullptr);  // the child must not print this process's buffered output again
    const pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        const fs::path log = dir.path() / "killed.log";
        freopen(log.c_str(), "w", stdout), freopen(log.c_str(), "a", stderr);
        execl(kPixforge.c_str(), kPixforge.c_str(), "regress", suite.c_str(), "-o", out.c_str(), nullptr);
        _exit(127);
    }
    setpgid(pid, pid);
    auto flushed = [&] {
        std::size_t n = 0;
        if (fs::exists(out / "runs"))
            for (const auto& e : fs::recursive_directory_iterator(out / "runs"))
                n += e.path().extension() == ".cbor";
        return n;
    };
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    while (flushed() < 3 && std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    kill(-pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    const std::size_t before = flushed();
    BOOST_TEST(before >= 3u);
    BOOST_TEST(before < 16u, "the run finished before it was killed");
    BOOST_TEST(!fs::exists(out / "report.h5"));

    const Run rerun = regress({}, suite, out);
    BOOST_TEST(rerun.exit_code == 0);
    BOOST_TEST(rerun.results["resumed"].get<std::size_t>() == before);
    BOOST_TEST(figures(rerun.results) == figures(whole.results));
}

BOOST_AUTO_TEST_CASE(one_rank_and_three_ranks_merge_the_same_figures) {
    test::TempDir dir;
    // Beside the classical designs, a Verilated candidate, which each worker rank builds into the
    // cache they share on first use (at once: the cache publishes whole folders atomically).
    const fs::path suite =
        write_suite(dir.path(), fmt::format("[[design]]\nname = \"net\"\ncandidate = \"{}\"\n"
                                            "block = \"network\"\nscenarios = [\"D0\"]\n",
                                            candidate_folder(dir.path()).string()));
    const std::vector<std::string> cache{"--cache", (dir.path() / "cache").string()};
    const Run one = regress({}, suite, dir.path() / "one", cache);
    const Run three = regress(mpirun(3), suite, dir.path() / "three", cache);
    BOOST_REQUIRE(one.results.is_object());
    BOOST_REQUIRE(three.results.is_object());
    BOOST_TEST(three.results["workers"] == 2);
    BOOST_TEST(one.results["workers"] == 1);
    BOOST_TEST(three.results["failed_runs"] == 0);
    BOOST_TEST(one.results["failed_runs"] == 0);
    BOOST_TEST(figures(three.results) == figures(one.results));
    const json& net = three.results["rows"].back();
    BOOST_TEST(net["design"] == "net");
    BOOST_TEST(net["summary"]["identity"].contains("rtl_hash"));  // the Verilated candidate ran
    BOOST_TEST(net["summary"]["delivered"].get<int>() > 0);
}

BOOST_AUTO_TEST_CASE(a_rank_killed_mid_run_is_survived) {
    test::TempDir dir;
    const fs::path suite = write_suite(dir.path());
    const fs::path out = dir.path() / "out";
    std::vector<std::string> argv = mpirun(3);
    for (const std::string& a :
         {kPixforge.string(), std::string("regress"), suite.string(), std::string("-o"), out.string(),
          std::string("--rank-silence"), std::string("5")})
        argv.push_back(a);
    const fs::path log = dir.path() / "mpirun.log";
    std::thread killer([&] {
        // Rank 2, while it holds a run (its chain-job child is alive): found by its Open MPI
        // environment, killed with SIGKILL after the first results are in.
        const auto parent_of = [](const fs::path& proc) {
            const std::string status = test::read_text(proc / "status");
            const std::size_t at = status.find("PPid:");
            return at == std::string::npos ? -1 : std::atoi(status.c_str() + at + 5);
        };
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(5);
        while (std::chrono::steady_clock::now() < give_up) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            if (test::read_text(log).find("[regress] 2/") == std::string::npos) continue;
            int rank2 = -1;
            for (const auto& p : fs::directory_iterator("/proc")) {
                const std::string cmdline = test::read_text(p.path() / "cmdline");
                if (cmdline.find(out.string()) != std::string::npos &&
                    cmdline.rfind(kPixforge.string(), 0) == 0 &&
                    test::read_text(p.path() / "environ")
                            .find(std::string("OMPI_COMM_WORLD_RANK=2") + '\0') != std::string::npos)
                    rank2 = std::atoi(p.path().filename().c_str());
            }
            if (rank2 < 0) continue;
            for (const auto& p : fs::directory_iterator("/proc"))
                if (parent_of(p.path()) == rank2 &&
                    test::read_text(p.path() / "cmdline").find("chain-job") != std::string::npos) {
                    kill(rank2, SIGKILL);
                    return;
                }
        }
    });
    const ProcessResult r = run_process(argv, log, 900);
    killer.join();
    const std::string text = test::read_text(log);
    BOOST_TEST(r.exited);
    BOOST_TEST(text.find("(attempt 2)") != std::string::npos, text.substr(0, 4000));
    const json results = json::parse(test::read_text(out / "results.json"), nullptr, false);
    BOOST_REQUIRE(results.is_object());
    BOOST_TEST(results["failed_runs"] == 0);
    const Run one = regress({}, suite, dir.path() / "one");
    BOOST_TEST(figures(results) == figures(one.results));
}

BOOST_AUTO_TEST_CASE(the_bundled_suite_loads_and_covers_the_four_scenarios,
                     *boost::unit_test::label("fast")) {
    const tb::RegressionSuite suite = tb::load_regression_suite(
        test::source_dir() / "configs/regress/four_scenarios.toml", codesign::all_config_keys());
    std::set<std::string> scenarios;
    for (const tb::RegressionJob& job : tb::expand_jobs(suite))
        scenarios.insert(suite.scenarios[job.scenario].name);
    BOOST_TEST((scenarios == std::set<std::string>{"D0", "A1", "A2", "A3"}));
    BOOST_TEST(suite.goldens.size() >= 10u);
    BOOST_TEST(tb::expand_jobs(suite).size() == 24u);  // 3 designs in 6, 5 and 1 scenario-rates, 2 seeds
}

// A candidate row that fails its golden figure gets the waveforms of its events (suite.waves_on_failure);
// a passing one, or with the key empty, none.
BOOST_AUTO_TEST_CASE(a_failing_candidate_row_dumps_the_waveforms_of_its_events) {
    test::TempDir dir;
    const fs::path candidate = pixel_block_candidate(dir.path());
    const std::vector<std::string> cache{"--cache", (dir.path() / "cache").string()};
    auto suite_with = [&](const std::string& head) {
        const fs::path file = dir.path() / "waves.toml";
        std::ofstream(file)
            << "[suite]\npulses = 300\nseeds = [1]\n"
            << head << "\n[[design]]\nname = \"block\"\ncandidate = \"" << candidate.string()
            << "\"\n\n[[scenario]]\nname = \"D0\"\nconfig = \""
            << (test::source_dir() / "configs/d0_75um.toml").string()
            << "\"\nset = [\"trigger.window=20\", \"trigger.dead_time=300ns\"]\n\n[[golden]]\ndesign = "
               "\"block\"\nscenario = \"D0\"\nfigure = "
               "\"delivered\"\n"
               "value = 1\ntolerance = 0.01\n";
        return file;
    };
    const Run failing =
        regress({}, suite_with("waves_on_failure = \"index:0,1\""), dir.path() / "out", cache);
    BOOST_TEST(failing.exit_code == 1);
    BOOST_REQUIRE(failing.results.is_object());
    const std::string waves = failing.results["rows"][0]["waves"].get<std::string>();
    BOOST_TEST(waves == (dir.path() / "out/waves/block/D0/200000_s.fst").string(), failing.log);
    BOOST_TEST(fs::file_size(waves) > 1000u);
    BOOST_TEST(!fs::exists(waves + ".partial"));
    const Run off = regress({}, suite_with("waves_on_failure = \"\""), dir.path() / "off", cache);
    BOOST_TEST(off.results["rows"][0]["waves"] == "");
}
