// The bad-input corpus (tests/data/bad_inputs/cases.json): each case runs the real pixforge binary
// once and must exit with code 2 (never a signal, never a sanitizer report), print its message ID
// and the names of the file, key or value involved, and leave nothing at its output path.
// Broken HDF5 files and candidate folders are made here at run time from a valid dataset, network
// and candidate, so the corpus commits no binary files. Cases marked "pending" wait for a fix on
// another branch: they are skipped with a loud message, or run with PIXFORGE_RUN_PENDING=1.
#include <boost/test/unit_test.hpp>

#include <hdf5.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/h5.hpp"
#include "core/process.hpp"
#include "models/network/quantized_network.hpp"
#include "models/network/random_network.hpp"
#include "test_support.hpp"

using namespace pixforge;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr double kCaseTimeout_s = 120;

fs::path corpus_dir() {
    return test::tests_dir() / "data/bad_inputs";
}
// PIXFORGE_BIN runs the corpus against another build (a sanitizer build, an older binary).
fs::path pixforge_binary() {
    if (const char* other = std::getenv("PIXFORGE_BIN")) return other;
    return fs::path(PIXFORGE_BINARY_DIR) / "bin/pixforge";
}

struct Case {
    std::string name, id, pending, make;
    std::vector<std::string> argv, contains, must_not_exist;
    bool fast = false;  // also in the fast subset (label "fast")
};

// Runs pixforge; returns the process result and its combined stdout + stderr.
std::pair<ProcessResult, std::string> run_pixforge(std::vector<std::string> args, const fs::path& log) {
    args.insert(args.begin(), pixforge_binary().string());
    const ProcessResult r = run_process(args, log, kCaseTimeout_s);
    return {r, test::read_text(log)};
}

// ---- the valid inputs every broken one is derived from, made once per test run ----------------

struct ValidInputs {
    test::TempDir dir;
    fs::path dataset, network, candidate;
};

// A network whose input is `length` samples of `adc_bits`-bit ADC words, saved to `path`.
void save_small_network(const fs::path& path, int length, int adc_bits) {
    models::NetShape shape;
    shape.hidden = {4};
    shape.outputs = 3;
    shape.weight_bits = 4;
    shape.activation_bits = 4;
    models::QuantizedNetwork net = models::random_network(shape, 7, length);
    net.input.adc_bits = adc_bits;
    net.derive_accumulator_widths();  // wider samples need wider accumulators
    models::save_network(net, path.string(), "{}");
}

void make_candidate(const fs::path& network, const fs::path& dir) {
    const auto [r, log] = run_pixforge({"rtl", "-n", network.string(), "-t", "parallel", "-o", dir.string()},
                                       dir.string() + ".log");
    if (!r.exited || r.exit_code != 0) throw std::runtime_error("pixforge rtl failed: " + log);
}

const ValidInputs& valid_inputs() {
    static const std::unique_ptr<ValidInputs> inputs = [] {
        auto v = std::make_unique<ValidInputs>();
        v->dataset = v->dir.path() / "dataset.h5";
        const auto [r, log] =
            run_pixforge({"dataset", "-c", (test::source_dir() / "configs/d0_75um.toml").string(), "-o",
                          v->dataset.string(), "--pulses", "300", "-q"},
                         v->dir.path() / "dataset.log");
        if (!r.exited || r.exit_code != 0) throw std::runtime_error("pixforge dataset failed: " + log);
        v->network = v->dir.path() / "network.h5";
        save_small_network(v->network, 32, 10);  // the default chain's window and ADC width
        v->candidate = v->dir.path() / "candidate";
        make_candidate(v->network, v->candidate);
        return v;
    }();
    return *inputs;
}

// ---- HDF5 surgery on copies of the valid files --------------------------------------------------

h5::Handle open_copy(const fs::path& from, const fs::path& to) {
    fs::copy_file(from, to);
    h5::silence_library_errors();
    return h5::Handle(H5Fopen(to.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
}

void remove_link(hid_t file, const std::string& path) {
    if (H5Ldelete(file, path.c_str(), H5P_DEFAULT) < 0) throw std::runtime_error("cannot delete " + path);
}

void remove_attribute(hid_t obj, const std::string& name) {
    if (H5Adelete(obj, name.c_str()) < 0) throw std::runtime_error("cannot delete attribute " + name);
}

std::size_t rows_of(hid_t file, const std::string& path) {
    return static_cast<std::size_t>(h5::shape(file, path).at(0));
}

// Replaces `path` by a zero-filled dataset of the given shape and type.
void replace_dataset(hid_t file, const std::string& path, const std::vector<hsize_t>& dims, hid_t type) {
    if (h5::exists(file, path)) remove_link(file, path);
    h5::Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
    h5::Handle ds(H5Dcreate2(file, path.c_str(), type, space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    if (!ds.valid()) throw std::runtime_error("cannot create " + path);
}

// Replaces `path` by `rows` variable-length strings.
void replace_with_strings(hid_t file, const std::string& path, std::size_t rows) {
    if (h5::exists(file, path)) remove_link(file, path);
    const std::string parent = path.substr(0, path.rfind('/') == std::string::npos ? 0 : path.rfind('/'));
    const std::string leaf = path.substr(parent.empty() ? 0 : parent.size() + 1);
    h5::Handle group =
        parent.empty() ? h5::Handle(H5Gopen2(file, "/", H5P_DEFAULT)) : h5::open_group(file, parent);
    h5::write_strings(group.id(), leaf, std::vector<std::string>(rows, "twelve"));
}

void write_text(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
}

void truncate_copy(const fs::path& from, const fs::path& to, std::uintmax_t bytes) {
    fs::copy_file(from, to);
    fs::resize_file(to, bytes);
}

void edit_summary(const fs::path& candidate, const std::function<void(json&)>& edit) {
    const fs::path p = candidate / "summary.json";
    json j = json::parse(test::read_text(p));
    edit(j);
    write_text(p, j.dump(2));
}

std::string substitute_tmp(std::string s, const fs::path& tmp) {
    const std::string key = "{tmp}";
    if (const auto at = s.find(key); at != std::string::npos) s.replace(at, key.size(), tmp.string());
    return s;
}

// Each generator makes the broken input `made` (a file or a folder) from the valid inputs.
using Generator = std::function<void(const ValidInputs&, const fs::path& made)>;

std::map<std::string, Generator> generators() {
    std::map<std::string, Generator> g;
    // Files of no particular kind.
    g["text_file"] = [](const ValidInputs&, const fs::path& m) {
        write_text(m, "this is not an HDF5 file\n");
    };
    g["empty_file"] = [](const ValidInputs&, const fs::path& m) { write_text(m, ""); };
    g["folder"] = [](const ValidInputs&, const fs::path& m) { fs::create_directories(m); };
    g["binary_garbage"] = [](const ValidInputs&, const fs::path& m) {
        write_text(m, std::string("\0\x01\x02\xff\xfe[adc]\0bits = \x80\x81\n", 20));
    };
    g["truncated_gzip"] = [](const ValidInputs&, const fs::path& m) {
        write_text(m, std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x4b\x4c\x4a", 13));
    };
    g["foreign_h5"] = [](const ValidInputs&, const fs::path& m) {
        h5::Handle f = h5::create_file(m.string());
        h5::write_attribute(f.id(), "schema", std::string("somebody.else"));
        h5::create_group(f.id(), "data");
    };
    g["bare_h5"] = [](const ValidInputs&, const fs::path& m) { h5::create_file(m.string()); };

    // Datasets.
    g["dataset_truncated_half"] = [](const ValidInputs& v, const fs::path& m) {
        truncate_copy(v.dataset, m, fs::file_size(v.dataset) / 2);
    };
    g["dataset_truncated_header"] = [](const ValidInputs& v, const fs::path& m) {
        truncate_copy(v.dataset, m, 600);
    };
    g["dataset_version_99"] = [](const ValidInputs& v, const fs::path& m) {
        h5::write_attribute(open_copy(v.dataset, m).id(), "schema_version", std::int64_t{99});
    };
    g["dataset_version_text"] = [](const ValidInputs& v, const fs::path& m) {
        h5::write_attribute(open_copy(v.dataset, m).id(), "schema_version", std::string("1"));
    };
    g["dataset_no_config"] = [](const ValidInputs& v, const fs::path& m) {
        remove_attribute(open_copy(v.dataset, m).id(), "config");
    };
    g["dataset_no_window"] = [](const ValidInputs& v, const fs::path& m) {
        remove_attribute(open_copy(v.dataset, m).id(), "window_samples");
    };
    g["dataset_window_negative"] = [](const ValidInputs& v, const fs::path& m) {
        h5::write_attribute(open_copy(v.dataset, m).id(), "window_samples", std::int64_t{-1});
    };
    g["dataset_no_test_split"] = [](const ValidInputs& v, const fs::path& m) {
        remove_link(open_copy(v.dataset, m).id(), "test");
    };
    g["dataset_adc_rank3"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.dataset, m);
        replace_dataset(f.id(), "test/adc", {rows_of(f.id(), "test/adc"), 32, 2}, H5T_NATIVE_UINT16);
    };
    g["dataset_adc_rank1"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.dataset, m);
        replace_dataset(f.id(), "train/adc", {rows_of(f.id(), "train/adc") * 32}, H5T_NATIVE_UINT16);
    };
    g["dataset_adc_wider"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.dataset, m);
        replace_dataset(f.id(), "test/adc", {rows_of(f.id(), "test/adc"), 33}, H5T_NATIVE_UINT16);
    };
    g["dataset_adc_float"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.dataset, m);
        replace_dataset(f.id(), "test/adc", {rows_of(f.id(), "test/adc"), 32}, H5T_NATIVE_DOUBLE);
    };
    g["dataset_rows_mismatch"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.dataset, m);
        replace_dataset(f.id(), "test/energy_keV", {rows_of(f.id(), "test/adc") - 1}, H5T_NATIVE_FLOAT);
    };
    g["dataset_energy_rank2"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.dataset, m);
        replace_dataset(f.id(), "test/energy_keV", {rows_of(f.id(), "test/adc"), 2}, H5T_NATIVE_FLOAT);
    };
    g["dataset_energy_text"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.dataset, m);
        replace_with_strings(f.id(), "test/energy_keV", rows_of(f.id(), "test/adc"));
    };
    g["dataset_lines_rank3"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.dataset, m);
        replace_dataset(f.id(), "test_lines_keV", {2, 2, 2}, H5T_NATIVE_DOUBLE);
    };
    g["dataset_lines_text"] = [](const ValidInputs& v, const fs::path& m) {
        replace_with_strings(open_copy(v.dataset, m).id(), "test_lines_keV", 3);
    };
    g["dataset_test_empty"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.dataset, m);
        replace_dataset(f.id(), "test/adc", {0, 32}, H5T_NATIVE_UINT16);
        for (const char* c : {"energy_keV", "collected_keV", "t0_ns"})
            replace_dataset(f.id(), std::string("test/") + c, {0}, H5T_NATIVE_FLOAT);
        for (const char* c : {"line_index", "n_pulses"})
            replace_dataset(f.id(), std::string("test/") + c, {0}, H5T_NATIVE_INT32);
        replace_dataset(f.id(), "test/pileup", {0}, H5T_NATIVE_UINT8);
    };

    // Networks.
    g["network_truncated"] = [](const ValidInputs& v, const fs::path& m) {
        truncate_copy(v.network, m, fs::file_size(v.network) / 2);
    };
    g["network_version_99"] = [](const ValidInputs& v, const fs::path& m) {
        h5::write_attribute(open_copy(v.network, m).id(), "schema_version", std::int64_t{99});
    };
    g["network_no_input"] = [](const ValidInputs& v, const fs::path& m) {
        remove_link(open_copy(v.network, m).id(), "input");
    };
    g["network_no_layers"] = [](const ValidInputs& v, const fs::path& m) {
        remove_link(open_copy(v.network, m).id(), "layers");
    };
    g["network_count_huge"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.network, m);
        h5::write_attribute(h5::open_group(f.id(), "layers").id(), "count", std::int64_t{1000000});
    };
    g["network_count_zero"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.network, m);
        h5::write_attribute(h5::open_group(f.id(), "layers").id(), "count", std::int64_t{0});
    };
    g["network_kind_unknown"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.network, m);
        h5::write_attribute(h5::open_group(f.id(), "layers/0").id(), "kind", std::string("lstm"));
    };
    g["network_no_out_bits"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.network, m);
        remove_attribute(h5::open_group(f.id(), "layers/0").id(), "out_bits");
    };
    g["network_acc_bits_wrong"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.network, m);
        h5::write_attribute(h5::open_group(f.id(), "layers/0").id(), "acc_bits", std::int64_t{3});
    };
    g["network_weight_bits_huge"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.network, m);
        h5::write_attribute(h5::open_group(f.id(), "layers/0").id(), "weight_bits", std::int64_t{200});
    };
    g["network_input_length_zero"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.network, m);
        h5::write_attribute(h5::open_group(f.id(), "input").id(), "length", std::int64_t{0});
    };
    g["network_adc_bits_huge"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.network, m);
        h5::write_attribute(h5::open_group(f.id(), "input").id(), "adc_bits", std::int64_t{64});
    };
    g["network_weights_rank2"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.network, m);
        const std::size_t n = rows_of(f.id(), "layers/0/weights");
        replace_dataset(f.id(), "layers/0/weights", {n / 4, 4}, H5T_NATIVE_INT32);
    };
    g["network_weights_short"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.network, m);
        replace_dataset(f.id(), "layers/0/weights", {rows_of(f.id(), "layers/0/weights") - 1},
                        H5T_NATIVE_INT32);
    };
    g["network_bias_rank3"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.network, m);
        replace_dataset(f.id(), "layers/0/bias", {2, 2, 1}, H5T_NATIVE_INT64);
    };
    g["network_weights_text"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.network, m);
        replace_with_strings(f.id(), "layers/0/weights", rows_of(f.id(), "layers/0/weights"));
    };
    g["network_weights_float"] = [](const ValidInputs& v, const fs::path& m) {
        h5::Handle f = open_copy(v.network, m);
        replace_dataset(f.id(), "layers/0/weights", {rows_of(f.id(), "layers/0/weights")}, H5T_NATIVE_DOUBLE);
    };

    // Candidate folders: copies of the valid one with one thing wrong.
    auto candidate = [](std::function<void(const fs::path&)> damage) -> Generator {
        return [damage](const ValidInputs& v, const fs::path& m) {
            fs::copy(v.candidate, m, fs::copy_options::recursive);
            damage(m);
        };
    };
    g["candidate_no_summary"] = candidate([](const fs::path& c) { fs::remove(c / "summary.json"); });
    g["candidate_no_network"] = candidate([](const fs::path& c) { fs::remove(c / "network.h5"); });
    g["candidate_summary_garbage"] =
        candidate([](const fs::path& c) { write_text(c / "summary.json", "{ \"templ"); });
    g["candidate_summary_array"] =
        candidate([](const fs::path& c) { write_text(c / "summary.json", "[1, 2]"); });
    g["candidate_summary_no_hash"] =
        candidate([](const fs::path& c) { edit_summary(c, [](json& j) { j.erase("rtl_hash"); }); });
    g["candidate_template_number"] =
        candidate([](const fs::path& c) { edit_summary(c, [](json& j) { j["template"] = 3; }); });
    g["candidate_template_unknown"] =
        candidate([](const fs::path& c) { edit_summary(c, [](json& j) { j["template"] = "systolic"; }); });
    g["candidate_hash_mismatch"] = candidate(
        [](const fs::path& c) { edit_summary(c, [](json& j) { j["rtl_hash"] = "0123456789abcdef"; }); });
    g["candidate_network_text"] =
        candidate([](const fs::path& c) { write_text(c / "network.h5", "not HDF5\n"); });
    g["candidate_network_foreign"] = candidate([](const fs::path& c) {
        fs::remove(c / "network.h5");
        h5::Handle f = h5::create_file((c / "network.h5").string());
        h5::write_attribute(f.id(), "schema", std::string("somebody.else"));
    });
    // A network of another window length or ADC width than the default chain (32 samples, 10 bits).
    g["candidate_window_longer"] = [](const ValidInputs&, const fs::path& m) {
        const fs::path net = m.string() + "-network.h5";
        save_small_network(net, 64, 10);
        make_candidate(net, m);
    };
    g["candidate_adc_bits_other"] = [](const ValidInputs&, const fs::path& m) {
        const fs::path net = m.string() + "-network.h5";
        save_small_network(net, 32, 12);
        make_candidate(net, m);
    };

    // Study folders.
    g["study_empty"] = [](const ValidInputs&, const fs::path& m) { fs::create_directories(m); };
    g["study_codesign_garbage"] = [](const ValidInputs&, const fs::path& m) {
        fs::create_directories(m);
        write_text(m / "codesign.json", "{ not json");
    };
    g["study_codesign_empty_object"] = [](const ValidInputs&, const fs::path& m) {
        fs::create_directories(m);
        write_text(m / "codesign.json", "{}");
    };
    g["study_journal_bad_types"] = [](const ValidInputs&, const fs::path& m) {
        fs::create_directories(m);
        // A complete codesign.json, so the journal line is what is refused.
        write_text(m / "codesign.json",
                   R"({"objectives": ["energy_fwhm_eV", "area_um2", "power_uW", "latency_ns"],)"
                   R"( "constraints": ["lost_events"], "reference": [1, 2, 3, 4]})");
        write_text(m / "journal.jsonl",
                   "{\"study\": \"pixforge.study\"}\n{\"result\": \"seven\", \"ok\": 1}\n");
    };
    const auto complete_study = [](const fs::path& m) {
        fs::create_directories(m / "trials" / "0");
        write_text(m / "codesign.json",
                   R"({"objectives": ["energy_fwhm_eV", "area_um2", "power_uW", "latency_ns"],)"
                   R"( "constraints": ["lost_events"], "reference": [1, 2, 3, 4]})");
        write_text(m / "journal.jsonl",
                   "{\"study\": \"pixforge.study\"}\n{\"result\": 0, \"ok\": false, \"objectives\": [], "
                   "\"constraints\": [], \"seconds\": 1.5, \"error\": \"rtl: failed\"}\n");
    };
    g["study_metrics_bad_types"] = [complete_study](const ValidInputs&, const fs::path& m) {
        complete_study(m);
        write_text(m / "trials" / "0" / "metrics.json", R"({"id": 0, "design": "x", "area_um2": "big"})");
    };
    g["study_baseline_not_a_summary"] = [complete_study](const ValidInputs&, const fs::path& m) {
        complete_study(m);
        write_text(m / "trials" / "0" / "metrics.json", R"({"id": 0, "design": "x"})");
        write_text(m / "baseline.json", R"({"processor": "optimal_filter", "pulses": -3})");
    };
    g["journal_empty"] = [](const ValidInputs&, const fs::path& m) {
        fs::create_directories(m);
        write_text(m / "journal.jsonl", "");
    };
    g["journal_header_only_other_strategy"] = [](const ValidInputs&, const fs::path& m) {
        fs::create_directories(m);
        write_text(
            m / "journal.jsonl",
            R"({"study":"pixforge.study","version":1,"strategy":"sobol","seed":1,"parameters":["x0","x1"],)"
            R"("objectives":["f1","f2"],"constraints":[],"reference":[1,1]})"
            "\n");
    };
    g["journal_bad_types"] = [](const ValidInputs&, const fs::path& m) {
        fs::create_directories(m);
        write_text(
            m / "journal.jsonl",
            R"({"study":"pixforge.study","version":1,"strategy":"random","seed":1,"parameters":["x0","x1"],)"
            R"("objectives":["f1","f2"],"constraints":[],"reference":[11,11]})"
            "\n{\"proposed\": \"seven\", \"u\": 3}\n");
    };
    // Valid inputs in folders whose names a shell or a tool script would split or evaluate.
    auto in_folder = [](const fs::path& source, const std::string& folder) -> Generator {
        return [source, folder](const ValidInputs&, const fs::path& m) {
            const fs::path dir = m / substitute_tmp(folder, m.parent_path());
            fs::create_directories(dir);
            fs::copy_file(source, dir / source.filename());
        };
    };
    g["config_in_spaced_folder"] =
        in_folder(test::tests_dir() / "data/bad_configs/unknown_key.toml", "my configs");
    // A broken liberty in such folders: refused by name, nothing evaluated. (A valid liberty there
    // synthesizes: test_synth/liberty_paths_with_spaces_and_tcl_brackets_reach_the_tools_unharmed.)
    const fs::path broken_liberty = test::tests_dir() / "data/bad_inputs/liberty/bad_syntax.lib";
    g["liberty_in_spaced_folder"] = in_folder(broken_liberty, "my lib");
    g["liberty_in_tcl_folder"] = in_folder(broken_liberty, "lib [exec touch {tmp}/INJECTED]");

    // Golden files of validate.
    g["json_empty_object"] = [](const ValidInputs&, const fs::path& m) { write_text(m, "{}\n"); };
    g["json_unrelated"] = [](const ValidInputs&, const fs::path& m) {
        write_text(m, "{\"coffee_cups\": 3}\n");
    };
    return g;
}

// ---- the manifest -------------------------------------------------------------------------------

std::vector<std::string> strings(const json& j, const char* key) {
    return j.contains(key) ? j[key].get<std::vector<std::string>>() : std::vector<std::string>{};
}

std::vector<Case> load_cases() {
    const json manifest = json::parse(test::read_text(corpus_dir() / "cases.json"));
    std::vector<Case> cases;
    for (const auto& c : manifest.at("cases"))
        cases.push_back({c.at("name").get<std::string>(), c.at("id").get<std::string>(),
                         c.value("pending", ""), c.value("make", ""), strings(c, "argv"),
                         strings(c, "contains"), strings(c, "must_not_exist"), c.value("fast", false)});
    // Every config of tests/data/bad_configs, through a command that would write a file; the ID
    // comes from its golden error text, which test_core pins.
    const auto fixture_argv = manifest.at("bad_configs_argv").get<std::vector<std::string>>();
    std::set<fs::path> fixtures;
    for (const auto& e : fs::directory_iterator(test::tests_dir() / "data/bad_configs"))
        fixtures.insert(e.path());
    for (const auto& f : fixtures) {
        const std::string golden =
            test::read_text(test::tests_dir() / "golden/config_errors" / (f.stem().string() + ".txt"));
        const auto open = golden.find("[ERROR "), close = golden.find(']', open);
        std::vector<std::string> argv = fixture_argv;
        for (auto& a : argv) a = a == "{fixture}" ? f.string() : a;
        cases.push_back({"bad_configs_" + f.stem().string(),
                         golden.substr(open + 7, close - open - 7),
                         "",
                         "",
                         argv,
                         {f.filename().string()},
                         {},
                         false});
    }
    return cases;
}

std::string substitute(std::string s, const std::map<std::string, std::string>& values) {
    for (const auto& [key, value] : values)
        for (size_t at = s.find(key); at != std::string::npos; at = s.find(key, at + value.size()))
            s.replace(at, key.size(), value);
    return s;
}

// Every file below `dir` with its size, to see that a failed command changed nothing there.
std::map<std::string, std::uintmax_t> listing(const fs::path& dir) {
    std::map<std::string, std::uintmax_t> out;
    if (!fs::is_directory(dir)) return out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        out[e.path().string()] = e.is_regular_file() ? e.file_size() : 0;
    return out;
}

void run_case(const Case& c) {
    if (!c.pending.empty() && !std::getenv("PIXFORGE_RUN_PENDING")) {
        BOOST_TEST_MESSAGE("PENDING, NOT RUN: " << c.name << ": " << c.pending
                                                << " (PIXFORGE_RUN_PENDING=1 runs it)");
        return;
    }
    const ValidInputs& valid = valid_inputs();
    test::TempDir scratch;
    const fs::path out_dir = scratch.path() / "out", made = scratch.path() / "input";
    fs::create_directories(out_dir);
    const std::map<std::string, std::string> values{
        {"{out}", (out_dir / "result").string()},
        {"{tmp}", scratch.path().string()},
        {"{made}", made.string()},
        {"{data}", corpus_dir().string()},
        {"{configs}", (test::source_dir() / "configs").string()},
        {"{dataset}", valid.dataset.string()},
        {"{network}", valid.network.string()},
        {"{candidate}", valid.candidate.string()},
    };
    if (!c.make.empty()) {
        const std::map<std::string, Generator> all = generators();
        const auto g = all.find(c.make);
        BOOST_REQUIRE_MESSAGE(g != all.end(), c.name << ": no generator '" << c.make << "'");
        g->second(valid, made);
    }
    const auto before = listing(made);
    std::vector<std::string> argv;
    for (const auto& a : c.argv) argv.push_back(substitute(a, values));
    const auto result = run_pixforge(argv, scratch.path() / "pixforge.log");
    const ProcessResult& r = result.first;
    const std::string& output = result.second;

    // Failures name the case; those of exit code and ID also show the command and its output.
    const std::string shown = "pixforge " + fmt::format("{}", fmt::join(argv, " ")) + "\n" + output;
    BOOST_CHECK_MESSAGE(r.exited, "ended by " << r.describe() << ": " << shown);
    BOOST_CHECK_MESSAGE(r.exit_code == 2, "exit code " << r.exit_code << ", expected 2: " << shown);
    BOOST_CHECK_MESSAGE(output.find("[ERROR " + c.id) != std::string::npos,
                        "message ID " << c.id << " missing: " << shown);
    for (const auto& text : c.contains) {
        const std::string expected = substitute(text, values);
        BOOST_CHECK_MESSAGE(output.find(expected) != std::string::npos, "names '" << expected << "'");
    }
    BOOST_TEST(output.find("Sanitizer") == std::string::npos);
    BOOST_TEST(output.find("runtime error:") == std::string::npos);
    BOOST_CHECK_MESSAGE(fs::is_empty(out_dir), "left something at the output path");
    for (const auto& p : c.must_not_exist)
        BOOST_CHECK_MESSAGE(!fs::exists(substitute(p, values)), "created " << substitute(p, values));
    BOOST_CHECK_MESSAGE(listing(made) == before, "changed the input " << made.string());
}

bool register_cases() {
    auto* suite = BOOST_TEST_SUITE("bad_inputs");
    try {
        const auto cases = load_cases();
        std::set<std::string> names;
        for (const auto& c : cases) {
            if (!names.insert(c.name).second) throw std::runtime_error("duplicate case name " + c.name);
            auto* test = boost::unit_test::make_test_case([c] { run_case(c); }, c.name, __FILE__, __LINE__);
            if (c.fast) test->add_label("fast");
            suite->add(test);
        }
        // The corpus is meant to be broad: keep it from shrinking unnoticed.
        suite->add(boost::unit_test::make_test_case(
            [n = cases.size()] { BOOST_CHECK_MESSAGE(n >= 60u, n << " cases"); }, "corpus_size", __FILE__,
            __LINE__));
    } catch (const std::exception& e) {
        const std::string what = e.what();
        suite->add(boost::unit_test::make_test_case([what] { BOOST_FAIL("cases.json: " << what); },
                                                    "manifest", __FILE__, __LINE__));
    }
    boost::unit_test::framework::master_test_suite().add(suite);
    return true;
}

}  // namespace

int main(int argc, char* argv[]) {
    return boost::unit_test::unit_test_main(&register_cases, argc, argv);
}
