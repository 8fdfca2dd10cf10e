// kill -9 at several moments of dataset, train, synth, simulate and optimize (the real binary on
// small inputs): the final output path is either absent or a complete file that reads back, and a
// rerun of the same command completes.
#define BOOST_TEST_MODULE interrupt
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/h5.hpp"
#include "core/process.hpp"
#include "datasets/dataset_file.hpp"
#include "models/network/quantized_network.hpp"
#include "test_support.hpp"

using namespace pixforge;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

const fs::path kPixforge = PIXFORGE_BINARY_DIR "/bin/pixforge";

std::vector<std::string> with_binary(std::vector<std::string> args) {
    args.insert(args.begin(), kPixforge.string());
    return args;
}

// When to kill: once `ready` holds (checked every 10 ms), then after `delay`.
struct Moment {
    std::string name;
    std::function<bool()> ready;
    std::chrono::milliseconds delay;
};

Moment after(int ms) {
    return {std::to_string(ms) + " ms", [] { return true; }, std::chrono::milliseconds(ms)};
}

// Starts the command in its own process group, kills the group with SIGKILL at `moment` (unless it
// finished first). Returns whether it was still running when killed.
bool run_and_kill(const std::vector<std::string>& args, const Moment& moment, const fs::path& log) {
    const std::vector<std::string> argv = with_binary(args);
    const pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1), dup2(fd, 2);
        std::vector<char*> c;
        for (const auto& a : argv) c.push_back(const_cast<char*>(a.c_str()));
        c.push_back(nullptr);
        execv(c[0], c.data());
        _exit(127);
    }
    setpgid(pid, pid);
    int status = 0;
    auto finished = [&] { return waitpid(pid, &status, WNOHANG) == pid; };
    const auto give_up = Clock::now() + std::chrono::minutes(10);
    while (!moment.ready()) {
        if (finished() || Clock::now() > give_up) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const auto at = Clock::now() + moment.delay;
    while (Clock::now() < at) {
        if (finished()) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    kill(-pid, SIGKILL);
    waitpid(pid, &status, 0);
    return true;
}

int run_to_end(const std::vector<std::string>& args, const fs::path& log) {
    const ProcessResult r = run_process(with_binary(args), log, 1200);
    if (r.exit_code != 0) BOOST_TEST_MESSAGE(log_tail(log, 4000));
    return r.exited ? r.exit_code : -1;
}

// Kills `args` at each moment, checks the outputs with `check_outputs` (which asserts each final
// path is absent or whole), then reruns it to the end and checks again, now requiring them.
void kill_check_rerun(const std::string& what, const std::vector<std::string>& args,
                      const std::vector<Moment>& moments,
                      const std::function<void(bool must_exist)>& check_outputs, const fs::path& logs,
                      const std::vector<std::string>& rerun_args = {}) {
    int killed = 0;
    for (const Moment& m : moments) {
        BOOST_TEST_CONTEXT(what << " killed at " << m.name) {
            killed += run_and_kill(args, m, logs / (what + "-killed.log"));
            check_outputs(false);
        }
    }
    BOOST_TEST(killed > 0, what << ": finished before every kill; the moments are too late");
    BOOST_TEST_CONTEXT(what << " rerun") {
        BOOST_TEST(run_to_end(rerun_args.empty() ? args : rerun_args, logs / (what + "-rerun.log")) == 0);
        check_outputs(true);
    }
}

std::string read_text(const fs::path& p) {
    return test::read_text(p);
}

void check_dataset(const fs::path& path, bool must_exist) {
    if (!fs::exists(path)) {
        BOOST_TEST(!must_exist, path << " missing");
        return;
    }
    const datasets::DatasetReader data(path.string());
    datasets::WindowBatch batch;
    const std::size_t rows = data.rows("test");
    BOOST_TEST(rows > 0u);
    data.read("test", rows - 1, 1, batch);
    BOOST_TEST(batch.rows == 1u);
}

void check_network(const fs::path& path, bool must_exist) {
    if (!fs::exists(path)) {
        BOOST_TEST(!must_exist, path << " missing");
        return;
    }
    const models::QuantizedNetwork net = models::load_network(path.string());
    BOOST_TEST(!net.layers.empty());
}

// Every published entry of the PPA cache (names not starting with '.') holds a whole result.
void check_ppa_cache(const fs::path& cache, bool must_exist) {
    int entries = 0;
    if (fs::exists(cache / "ppa"))
        for (const auto& e : fs::directory_iterator(cache / "ppa")) {
            if (e.path().filename().string().front() == '.') continue;
            ++entries;
            const auto j = nlohmann::json::parse(read_text(e.path() / "result.json"), nullptr, false);
            BOOST_TEST(!j.is_discarded(), e.path() << "/result.json is not whole");
            if (!j.is_discarded()) BOOST_TEST(j.value("ok", false));
        }
    if (must_exist) BOOST_TEST(entries == 1);
}

void check_h5(const fs::path& path, const std::string& schema, const std::string& dataset, bool must_exist) {
    if (!fs::exists(path)) {
        BOOST_TEST(!must_exist, path << " missing");
        return;
    }
    h5::Handle f = h5::open_file_readonly(path.string());
    BOOST_TEST(h5::read_string_attribute(f.id(), "schema").value_or("") == schema);
    if (!dataset.empty()) {
        const auto shape = h5::shape(f.id(), dataset);
        BOOST_TEST_REQUIRE(!shape.empty());
        std::vector<double> rows;
        h5::read_rows(f.id(), dataset, 0, shape[0], rows);
        BOOST_TEST(rows.size() >= shape[0]);
    }
}

void check_json(const fs::path& path, bool must_exist) {
    if (!fs::exists(path)) {
        BOOST_TEST(!must_exist, path << " missing");
        return;
    }
    BOOST_TEST(!nlohmann::json::parse(read_text(path), nullptr, false).is_discarded(),
               path << " is not whole");
}

// Small, quick settings shared by the commands.
std::vector<std::string> small_settings() {
    return {"--set", "training.epochs=2",           "--set", "training.max_windows=4000",
            "--set", "synthesis.strategy=\"fast\"", "--set", "synthesis.power_windows=40",
            "--set", "network.window_first=4",      "--set", "network.window_length=8"};
}

std::vector<std::string> command(std::vector<std::string> head) {
    head.insert(head.begin() + 1, {"-c", (test::source_dir() / "configs/d0_75um.toml").string()});
    const auto extra = small_settings();
    head.insert(head.end(), extra.begin(), extra.end());
    return head;
}

}  // namespace

BOOST_AUTO_TEST_CASE(kill_9_leaves_nothing_partial_and_the_rerun_completes) {
    test::TempDir dir;
    const fs::path d = dir.path(), cache = d / "cache";

    const fs::path dataset = d / "dataset.h5";
    kill_check_rerun(
        "dataset", command({"dataset", "-o", dataset.string(), "--pulses", "30000", "-q"}),
        {after(150), after(600), after(1500)}, [&](bool must) { check_dataset(dataset, must); }, d);

    const fs::path net = d / "net.h5";
    kill_check_rerun(
        "train", command({"train", "-d", dataset.string(), "-o", net.string(), "-q"}),
        {after(300), after(1500), after(4000)}, [&](bool must) { check_network(net, must); }, d);

    kill_check_rerun(
        "synth",
        command({"synth", "-n", net.string(), "-t", "parallel", "--cache", cache.string(), "--json"}),
        {after(200), after(1000), after(3000)}, [&](bool must) { check_ppa_cache(cache, must); }, d);

    const fs::path chain = d / "chain.h5";
    kill_check_rerun(
        "simulate",
        command({"simulate", "--classical", "optimal_filter", "-n", "20000", "-o", chain.string()}),
        {after(100), after(500), after(1500)},
        [&](bool must) { check_h5(chain, "pixforge.chain_report", "events/energy", must); }, d);

    // A two-trial study; killed early, while a trial runs, and once a trial is recorded.
    const fs::path study = d / "study";
    auto results = [&] {
        int n = 0;
        std::ifstream in(study / "journal.jsonl");
        for (std::string line; std::getline(in, line);) {  // keys are sorted: parse, do not match a prefix
            const auto j = nlohmann::json::parse(line, nullptr, false);
            n += !j.is_discarded() && j.contains("result");
        }
        return n;
    };
    std::vector<std::string> optimize = command({"optimize",
                                                 "-o",
                                                 study.string(),
                                                 "--cache",
                                                 cache.string(),
                                                 "--workers",
                                                 "1",
                                                 "--budget",
                                                 "2",
                                                 "-q",
                                                 "--set",
                                                 "optimizer.strategy=\"sobol\"",
                                                 "--set",
                                                 "optimizer.initial_points=2",
                                                 "--set",
                                                 "codesign.pulses=1500",
                                                 "--set",
                                                 "codesign.check_windows=300",
                                                 "--set",
                                                 "codesign.sweep_pulses=300",
                                                 "--set",
                                                 "dataset.windows=20000"});
    std::vector<std::string> resume = optimize;
    resume.push_back("--resume");
    auto check_study = [&](bool must) {
        check_h5(study / "study.h5", "pixforge.study", "trials/hypervolume", must);
        check_h5(study / "report.h5", "pixforge.codesign_report", "", must);
        for (const char* name : {"codesign.json", "baseline.json", "rate_sweep.json"})
            check_json(study / name, must);
        BOOST_TEST((!must || results() == 2));
        if (fs::exists(study / "trials"))
            for (const auto& t : fs::directory_iterator(study / "trials"))
                check_json(t.path() / "metrics.json", false);
    };
    const Moment first_result{"the first trial recorded", [&] { return results() >= 1; },
                              std::chrono::milliseconds(0)};
    const Moment in_a_trial{"inside a trial", [&] { return fs::exists(study / "trials"); },
                            std::chrono::milliseconds(1500)};
    // The first run creates the study (killed while it builds its dataset); every later one resumes it.
    const Moment set_up{"the study created", [&] { return fs::exists(study / "journal.jsonl"); },
                        std::chrono::milliseconds(300)};
    BOOST_TEST_CONTEXT("optimize killed once " << set_up.name) {
        BOOST_TEST(run_and_kill(optimize, set_up, d / "optimize-first.log"));
        check_study(false);
    }
    kill_check_rerun("optimize", resume, {in_a_trial, first_result}, check_study, d);
}
