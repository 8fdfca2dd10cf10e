// Golden files of what pixforge hands to other tools and people, so that a change to either shows
// in review: the Verilog of a small network for each hardware template, and the layout of a
// study's report.h5 (every group, dataset with its rank, type and unit, and attribute). Refresh
// with PIXFORGE_UPDATE_GOLDEN=1 build/bin/test_golden (tests/golden/).
#define BOOST_TEST_MODULE golden
#include <boost/test/unit_test.hpp>

#include <hdf5.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/h5.hpp"
#include "models/network/random_network.hpp"
#include "optimizer/codesign/codesign_report.hpp"
#include "rtl_gen/verilog_writer.hpp"
#include "tb/chain_summary.hpp"
#include "tb/rate_sweep.hpp"
#include "test_support.hpp"

using namespace pixforge;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

// Every attribute of `object` but the units (they go with their dataset's line).
void list_attributes(hid_t object, const std::string& path, std::set<std::string>& out) {
    const int n = H5Aget_num_attrs(object);
    for (int i = 0; i < n; ++i) {
        const hid_t a = H5Aopen_idx(object, static_cast<unsigned>(i));
        char name[256] = {};
        H5Aget_name(a, sizeof name, name);
        H5Aclose(a);
        if (std::string(name) != "unit") out.insert(path + " @" + name);
    }
}

// One line per object and attribute: "path group", "path dataset rank=R class=C unit=U", "path @attr".
std::string layout(const fs::path& file) {
    std::set<std::string> lines;
    const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    BOOST_REQUIRE(f >= 0);
    struct Walk {
        std::set<std::string>* lines;
        hid_t file;
    } walk{&lines, f};
    const hid_t root = H5Gopen(f, "/", H5P_DEFAULT);
    list_attributes(root, "/", lines);
    H5Gclose(root);
    H5Ovisit(
        f, H5_INDEX_NAME, H5_ITER_INC,
        [](hid_t, const char* name, const H5O_info_t* info, void* data) -> herr_t {
            auto& w = *static_cast<Walk*>(data);
            const std::string path = std::string("/") + name;
            if (path == "/.") return 0;
            const hid_t o = H5Oopen(w.file, name, H5P_DEFAULT);
            if (info->type == H5O_TYPE_GROUP) {
                w.lines->insert(path + " group");
            } else if (info->type == H5O_TYPE_DATASET) {
                const hid_t space = H5Dget_space(o), type = H5Dget_type(o);
                const int rank = H5Sget_simple_extent_ndims(space);
                const H5T_class_t c = H5Tget_class(type);
                const std::string unit = h5::read_string_attribute(o, "unit").value_or("-");
                w.lines->insert(fmt::format("{} dataset rank={} class={} unit={}", path, rank,
                                            c == H5T_INTEGER ? "int"
                                            : c == H5T_FLOAT ? "float"
                                                             : "string",
                                            unit));
                H5Tclose(type), H5Sclose(space);
            }
            list_attributes(o, path, *w.lines);
            H5Oclose(o);
            return 0;
        },
        &walk);
    H5Fclose(f);
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

tb::ChainSummary summary(double fwhm_eV) {
    tb::ChainSummary s;
    s.processor = "optimal_filter";
    s.pulses = 100, s.triggers = 98, s.delivered = 97, s.lost_busy = 1;
    datasets::EnergyLineMetrics line;
    line.line_eV = 5900, line.entries = 90, line.fitted = true, line.fwhm_eV = fwhm_eV;
    line.fwhm_error_eV = 10, line.bias_eV = 2;
    s.lines = {line};
    return s;
}

// A small study folder as pixforge optimize leaves it: two trials (one failed), a baseline and a
// rate sweep with a failed rate.
void make_study(const fs::path& study) {
    write(study / "codesign.json",
          R"({"objectives": ["energy_fwhm_eV", "area_um2", "power_uW", "latency_ns"], "constraints": )"
          R"(["area_um2", "power_uW", "slack_ns", "lost_events"], "reference": [5000, 1e6, 1e5, 1e4], )"
          R"("guidance": "synthesis", "seed": 1, "liberty": "lib", "liberty_hash": "h"})");
    write(study / "config.toml", "[run]\nseed = 1\n");
    write(study / "journal.jsonl",
          "{\"study\": \"pixforge.study\"}\n"
          "{\"result\": 0, \"ok\": true, \"objectives\": [900, 5000, 300, 250], \"constraints\": [-1, -1, "
          "-1, 0], "
          "\"seconds\": 12.5, \"error\": \"\"}\n"
          "{\"result\": 1, \"ok\": false, \"objectives\": [], \"constraints\": [], \"seconds\": 3, "
          "\"error\": \"rtl: 3 output words differ\"}\n");
    write(
        study / "trials/0/metrics.json",
        R"({"id": 0, "design": "hidden_width=4", "template": "parallel", "network": "in 8 > 4 > 1",)"
        R"( "energy_fwhm_eV": 900, "energy_fwhm_fitted": true, "fwhm_per_line_eV": [900], "area_um2": 5000,)"
        R"( "power_uW": 300, "latency_ns": 250, "lost_events": 0, "toa_sigma_ns": null, "pileup_auc": 0.5,)"
        R"( "objectives": [900, 5000, 300, 250], "constraints": [-1, -1, -1, 0],)"
        R"( "seconds": {"train": 1, "rtl": 2, "synthesis": 3, "simulate": 4}})");
    write(study / "trials/0/candidate/pixforge_net.v", "module pixforge_net; endmodule\n");
    write(
        study / "trials/1/metrics.json",
        R"({"id": 1, "design": "hidden_width=8", "failed_stage": "rtl", "error": "3 output words differ"})");
    write(study / "baseline.json", summary(800).to_json().dump());
    tb::RateSweep sweep{
        "classical optimal_filter", {{"1e4/s", summary(800), ""}, {"1e6/s", std::nullopt, "timed out"}}, ""};
    write(study / "rate_sweep.json",
          nlohmann::json{{"rates_per_s", {1e4, 1e6}}, {"designs", {sweep.to_json()}}}.dump());
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_verilog_of_a_small_network_per_template_is_as_committed) {
    models::NetShape shape;
    shape.hidden = {4};
    shape.weight_bits = 5, shape.activation_bits = 6;
    const models::QuantizedNetwork net = models::random_network(shape, 5, 8);
    models::QuantizedNetwork late = net;  // reads samples [4, 12) after the baseline: streaming
    late.input.first = 4;
    for (const auto& [name, hw] : std::vector<std::pair<std::string, rtl::HardwareTemplate>>{
             {"parallel_p1", rtl::parse_template("parallel", 1, 1)},
             {"parallel_p2", rtl::parse_template("parallel", 1, 2)},
             {"folded_r2", rtl::parse_template("folded", 2, 1)},
             {"folded_r2_cg", rtl::parse_template("folded", 2, 1, true)},
             {"serial", rtl::parse_template("serial", 1, 1)},
             {"streaming_r2_cg", rtl::parse_template("streaming", 2, 1, true)}}) {
        const rtl::GeneratedRtl rtl =
            rtl::generate_verilog(hw.kind == rtl::TemplateKind::Streaming ? late : net, hw);
        std::string text;
        for (const auto& f : rtl.files) text += "// ---- " + f.name + "\n" + f.text;
        const std::string diff =
            test::compare_golden(test::tests_dir() / "golden" / "rtl" / (name + ".v"), text);
        BOOST_TEST(diff.empty(), name << ": " << diff);
    }
}

BOOST_AUTO_TEST_CASE(the_layout_of_a_study_report_is_as_committed) {
    test::TempDir dir;
    const fs::path study = dir.path();
    make_study(study);
    codesign::write_study_report(study);
    const std::string diff =
        test::compare_golden(test::tests_dir() / "golden" / "report_layout.txt", layout(study / "report.h5"));
    BOOST_TEST(diff.empty(), diff);
}

// A study in which nothing meets its constraints (a pixel too small for every design) still shows
// its designs: the non-dominated ones among those that succeeded, marked infeasible.
BOOST_AUTO_TEST_CASE(a_study_where_nothing_fits_shows_its_nearest_designs) {
    test::TempDir dir;
    const fs::path study = dir.path();
    make_study(study);
    write(study / "journal.jsonl",
          "{\"study\": \"pixforge.study\"}\n"
          "{\"result\": 0, \"ok\": true, \"objectives\": [900, 5000, 300, 250], \"constraints\": [2187, -1, "
          "-1, 0], \"seconds\": 12.5, \"error\": \"\"}\n");
    std::ostringstream out;
    codesign::print_study_summary(study, out);
    const std::string text = out.str();
    BOOST_TEST(text.find("0 feasible, 0 on the Pareto front") != std::string::npos, text);
    BOOST_TEST(text.find("No design meets the constraints") != std::string::npos, text);
    BOOST_TEST(text.find("hidden_width=4 | in 8 > 4 > 1") != std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(studies_written_by_earlier_versions_still_report) {
    // Before the typed contracts, counts were written as floats (lost_events 0.0) and a rate
    // sweep's runs as bare chain summaries.
    test::TempDir dir;
    const fs::path study = dir.path();
    make_study(study);
    nlohmann::json metrics = nlohmann::json::parse(std::ifstream(study / "trials/0/metrics.json"));
    metrics["lost_events"] = 0.0;
    write(study / "trials/0/metrics.json", metrics.dump());
    write(study / "rate_sweep.json",
          nlohmann::json{{"rates_per_s", {1e4, 1e6}},
                         {"designs",
                          {{{"name", "classical optimal_filter"},
                            {"runs", {summary(800).to_json(), {{"error", "timed out"}}}}}}}}
              .dump());
    codesign::write_study_report(study);
    h5::Handle f = h5::open_file_readonly((study / "report.h5").string());
    BOOST_TEST(h5::shape(f.id(), "rate_sweep/0/mean_fwhm").at(0) == 1u);
    BOOST_TEST(h5::shape(f.id(), "rate_sweep/0/failed_rates").at(0) == 1u);
    std::vector<double> lost;
    h5::read_rows(f.id(), "trials/lost_events", 0, 2, lost);
    BOOST_TEST(lost.at(0) == 0.0);
    // A count that is not a whole number is still refused.
    metrics["lost_events"] = 0.5;
    write(study / "trials/0/metrics.json", metrics.dump());
    BOOST_TEST(test::error_id([&] { codesign::write_study_report(study); }) == "STUDY-011");
}
