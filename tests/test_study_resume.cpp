// `pixforge optimize --resume` with other settings than the study was started with is refused
// before any trial runs, naming what changed, and leaves the study as it was. Fast: the study is
// killed as soon as it exists, before its dataset is built.
#define BOOST_TEST_MODULE study_resume
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "core/process.hpp"
#include "test_support.hpp"

using namespace pixforge;
namespace fs = std::filesystem;

namespace {

const fs::path kPixforge = PIXFORGE_BINARY_DIR "/bin/pixforge";

struct Outcome {
    int code;
    std::string log;
};

Outcome optimize(const fs::path& config, const fs::path& study, const fs::path& cache,
                 const std::vector<std::string>& extra, const fs::path& log) {
    std::vector<std::string> argv{kPixforge.string(), "optimize", "-c",           config.string(), "-o",
                                  study.string(),     "--cache",  cache.string(), "--workers",     "1"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    const ProcessResult r = run_process(argv, log, 120);
    return {r.exited ? r.exit_code : -1, log_tail(log, 4000)};
}

// Starts a study and kills it with SIGKILL once its journal and config.toml are written.
void start_study_and_kill(const fs::path& config, const fs::path& study, const fs::path& cache,
                          const fs::path& log) {
    const pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1), dup2(fd, 2);
        execl(kPixforge.c_str(), kPixforge.c_str(), "optimize", "-c", config.c_str(), "-o", study.c_str(),
              "--cache", cache.c_str(), "--workers", "1", static_cast<char*>(nullptr));
        _exit(127);
    }
    setpgid(pid, pid);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!(fs::exists(study / "journal.jsonl") && fs::exists(study / "config.toml")) &&
           std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    kill(-pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
}

std::string listing(const fs::path& dir) {
    std::string out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) out += e.path().string() + "\n";
    return out;
}

void replace(std::string& text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    BOOST_TEST_REQUIRE(at != std::string::npos, from);
    text.replace(at, from.size(), to);
}

}  // namespace

BOOST_AUTO_TEST_CASE(resume_with_changed_settings_is_refused_before_any_trial) {
    test::TempDir dir;
    const fs::path study = dir.path() / "study", cache = dir.path() / "cache";
    const fs::path config = dir.path() / "study.toml";
    const std::string original = test::read_text(test::source_dir() / "configs/d0_75um.toml");
    std::ofstream(config) << original;
    start_study_and_kill(config, study, cache, dir.path() / "first.log");
    BOOST_TEST_REQUIRE(fs::exists(study / "journal.jsonl"), test::read_text(dir.path() / "first.log"));
    const std::string journal = test::read_text(study / "journal.jsonl"),
                      stored = test::read_text(study / "config.toml"), files = listing(study);

    auto unchanged = [&] {
        BOOST_TEST(test::read_text(study / "journal.jsonl") == journal);
        BOOST_TEST(test::read_text(study / "config.toml") == stored);
        BOOST_TEST(listing(study) == files);  // no trial folder, no baseline, nothing new
    };
    // A --set value that changes what a trial computes.
    Outcome r = optimize(config, study, cache, {"--resume", "--set", "adc.bits=8"}, dir.path() / "set.log");
    BOOST_TEST(r.code == 2);
    BOOST_TEST(r.log.find("[ERROR STUDY-009]") != std::string::npos, r.log);
    BOOST_TEST(r.log.find("adc.bits: 10 -> 8") != std::string::npos, r.log);
    unchanged();

    // A parameter's choice list changed in the config file.
    std::string wider = original;
    replace(wider, "values = [4, 8, 16]", "values = [4, 8, 32]");
    std::ofstream(config) << wider;
    r = optimize(config, study, cache, {"--resume"}, dir.path() / "space.log");
    BOOST_TEST(r.code == 2);
    BOOST_TEST(r.log.find("[ERROR STUDY-007]") != std::string::npos, r.log);
    BOOST_TEST(r.log.find("hidden_width") != std::string::npos, r.log);
    unchanged();
    std::ofstream(config) << original;

    // STUDY/config.toml edited by hand since: the trials' child processes would read it.
    std::string edited = stored;
    replace(edited, "[adc]\n", "[adc]\nbits = 12\n");
    edited.erase(edited.find("bits = 10\n", edited.find("[adc]\n")), std::string("bits = 10\n").size());
    std::ofstream(study / "config.toml") << edited;
    r = optimize(config, study, cache, {"--resume"}, dir.path() / "edited.log");
    BOOST_TEST(r.code == 2);
    BOOST_TEST(r.log.find("[ERROR STUDY-010]") != std::string::npos, r.log);
    BOOST_TEST(r.log.find("adc.bits: 12 -> 10") != std::string::npos, r.log);
    BOOST_TEST(test::read_text(study / "config.toml") == edited);  // not overwritten
}
