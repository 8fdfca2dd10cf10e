#include "optimizer/codesign/trial_pipeline.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/atomic_file.hpp"
#include "core/content_hash.hpp"
#include "core/error.hpp"
#include "core/provenance.hpp"
#include "datasets/dataset_builder.hpp"
#include "datasets/dataset_file.hpp"
#include "models/chain_params.hpp"
#include "models/network/integer_reference.hpp"
#include "models/training/network_trainer.hpp"
#include "rtl_gen/candidate.hpp"
#include "rtl_gen/reference_check.hpp"
#include "rtl_gen/synthesis/stimuli.hpp"
#include "rtl_gen/verilog_writer.hpp"
#include "tb/chain_job.hpp"

namespace pixforge::codesign {

namespace fs = std::filesystem;

namespace {

// The [section] blocks of a resolved config whose names are listed, as text: a cache key that
// changes exactly when one of those settings does.
std::string sections_of(const std::string& resolved, const std::vector<std::string>& names) {
    std::istringstream in(resolved);
    std::string line, out;
    bool keep = false;
    while (std::getline(in, line)) {
        if (!line.empty() && line[0] == '[') {
            const std::string name = line.substr(1, line.find(']') - 1);
            keep = std::find(names.begin(), names.end(), name) != names.end();
        }
        if (keep) out += line + "\n";
    }
    return out;
}

const std::vector<std::string> kChainSections{"run",     "sensor",   "spectrum", "test_spectrum",
                                              "source",  "frontend", "noise",    "adc",
                                              "trigger", "labels",   "dataset"};

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

fs::path study_dataset(const Config& config, const fs::path& cache, std::ostream* progress) {
    const std::string key = ContentHash().add(sections_of(config.resolved_toml(), kChainSections)).hex();
    const fs::path path = cache / "datasets" / (key + ".h5");
    if (fs::exists(path)) return path;
    fs::create_directories(path.parent_path());
    const fs::path temp = path.string() + fmt::format(".{}.building.h5", getpid());
    datasets::build_dataset(config, 0, temp.string(), current_provenance("pixforge optimize (study dataset)"),
                            progress);
    fs::rename(temp, path);
    return path;
}

TrialPipeline::TrialPipeline(const Config& base, const optimizer::DesignSpace& space, CodesignOptions options,
                             fs::path study_dir, fs::path cache_dir, fs::path dataset, fs::path executable)
    : base_(base),
      space_(space),
      options_(std::move(options)),
      study_(std::move(study_dir)),
      cache_(std::move(cache_dir)),
      dataset_(std::move(dataset)),
      executable_(std::move(executable)) {
    if (options_.guidance == Guidance::Synthesis)
        ppa_ = std::make_unique<rtl::PpaEvaluator>(rtl::SynthesisOptions::from_config(base_), cache_);
}

nlohmann::json TrialPipeline::metrics_of(const fs::path& study_dir, std::int64_t id) {
    const fs::path p = study_dir / "trials" / std::to_string(id) / "metrics.json";
    if (!fs::exists(p)) return nlohmann::json::object();
    std::ifstream in(p);
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    return j.is_object() ? j : nlohmann::json::object();
}

std::vector<nlohmann::json> TrialPipeline::feasible_metrics(const fs::path& study_dir) {
    std::vector<nlohmann::json> out;
    for (const auto& entry : fs::directory_iterator(study_dir / "trials")) {
        nlohmann::json m = metrics_of(study_dir, std::stoll(entry.path().filename().string()));
        if (!m.contains("objectives") || !m.contains("constraints")) continue;  // failed or unfinished
        bool feasible = true;
        for (double c : m["constraints"].get<std::vector<double>>()) feasible = feasible && c <= 0;
        if (feasible) out.push_back(std::move(m));
    }
    return out;
}

optimizer::Evaluation TrialPipeline::evaluate(std::int64_t id, const std::vector<double>& u) const {
    const fs::path dir = study_ / "trials" / std::to_string(id);
    fs::create_directories(dir);
    nlohmann::json m{{"id", id}, {"design", space_.describe(u)}};
    std::map<std::string, double> seconds;
    std::string stage = "configure";
    try {
        const TrialDesign design = design_of(space_, u);
        m["template"] = design.hardware.name();
        std::vector<std::string> overrides = design.overrides;
        overrides.push_back("training.threads=1");  // trials train side by side
        const Config config = Config::parse(base_.resolved_toml(), base_.source() + " (resolved)", overrides);
        write_file_atomically(dir / "config.toml", config.resolved_toml());

        // ---- train (cached by dataset + network + training settings) ----
        stage = "train";
        auto t = std::chrono::steady_clock::now();
        const std::string net_key =
            ContentHash()
                .add(dataset_.filename().string())
                .add(sections_of(config.resolved_toml(), {"run", "network", "training"}))
                .hex();
        const fs::path net_path = cache_ / "networks" / (net_key + ".h5");
        if (!fs::exists(net_path)) {
            fs::create_directories(net_path.parent_path());
            const datasets::DatasetReader data(dataset_.string());
            models::NetworkTrainer trainer(config, data, nullptr);
            trainer.train();
            const fs::path temp = net_path.string() + fmt::format(".{}-{}.h5", getpid(), id);
            models::save_network(trainer.export_network(), temp.string(),
                                 "{\"made_by\": \"pixforge optimize\"}");
            fs::rename(temp, net_path);
        }
        const models::QuantizedNetwork net = models::load_network(net_path.string());
        seconds["train"] = seconds_since(t);
        const models::NetworkProxies proxies = models::theory_proxies(net, design.hardware.reuse);
        m["network"] = models::describe_layers(net);
        m["network_hash"] = net.content_hash();
        m["macs"] = proxies.macs, m["bops"] = proxies.bops, m["parameter_bits"] = proxies.parameter_bits;

        // ---- RTL, build, bit-exact check ----
        stage = "rtl";
        t = std::chrono::steady_clock::now();
        const rtl::GeneratedRtl rtl = rtl::generate_verilog(net, design.hardware);
        const fs::path candidate_dir = dir / "candidate";
        rtl::write_rtl(rtl, candidate_dir.string());
        fs::copy_file(net_path, candidate_dir / "network.h5", fs::copy_options::overwrite_existing);
        const rtl::BuildResult build = rtl::CandidateBuilder(cache_).build(rtl);
        {
            const datasets::DatasetReader data(dataset_.string());
            datasets::WindowBatch batch;
            const std::size_t n =
                std::min<std::size_t>(static_cast<std::size_t>(options_.check_windows), data.rows("test"));
            data.read("test", 0, n, batch);
            rtl::Candidate candidate(build.library);
            const rtl::ReferenceCheck check =
                rtl::check_against_reference(candidate, net, batch.adc.data(), n, batch.window);
            m["rtl_check_windows"] = n;
            if (!check.equal())
                throw TrialFailure("rtl", fmt::format("{} output words differ from the integer reference",
                                                      check.differing_words));
        }
        m["rtl_hash"] = rtl.rtl_hash();
        m["latency_cycles"] = rtl.timing.latency;
        m["initiation_interval"] = rtl.timing.initiation_interval;
        seconds["rtl"] = seconds_since(t);

        // ---- synthesis, timing, power ----
        if (ppa_) {
            stage = "synthesis";
            t = std::chrono::steady_clock::now();
            const models::PixelChain chain(models::chain_params_from(config));
            const auto& so = ppa_->options();
            const rtl::Stimuli stimuli = rtl::stream_stimuli(chain, rtl.samples, so.power_windows,
                                                             so.clock_period_s, chain.params().seed);
            const rtl::PpaResult p = ppa_->evaluate(net, design.hardware, stimuli);
            write_file_atomically(dir / "ppa.json", p.to_json().dump(2));
            if (!p.ok) throw TrialFailure(p.failed_stage, p.error);
            m["area_um2"] = p.area_um2, m["cells"] = p.cells, m["flip_flops"] = p.flip_flops;
            m["critical_path_ns"] = p.critical_path_s * 1e9, m["worst_slack_ns"] = p.worst_slack_s * 1e9;
            m["max_clock_MHz"] = p.max_clock_Hz * 1e-6, m["power_uW"] = p.total_W * 1e6;
            m["clock_power_uW"] = p.clock_W * 1e6,
            m["energy_per_inference_pJ"] = p.energy_per_inference_J * 1e12;
            m["netlist"] = (fs::path(p.work_dir) / "netlist.v").string();
            seconds["synthesis"] = seconds_since(t);
        }

        // ---- the full chain ----
        stage = "simulate";
        t = std::chrono::steady_clock::now();
        tb::ChainJob job;
        job.config = dir / "config.toml";
        job.candidate = candidate_dir;
        job.cache = cache_;
        job.pulses = options_.pulses;
        job.report = dir / "chain.h5";
        job.provenance_command = fmt::format("pixforge optimize (trial {})", id);
        const tb::IsolatedRun run = tb::ChainRunner(executable_, options_.simulate_timeout_s).run(job, dir);
        if (!run.ok) throw TrialFailure("simulate", run.failure);
        const tb::ChainSummary& chain = *run.summary;
        seconds["simulate"] = seconds_since(t);
        // The one rule for unfitted lines (tb::ChainSummary::resolution): the objective counts an
        // unfitted or wider-than-the-line peak as 100 %; the flag says so.
        const datasets::LineResolution resolution = chain.resolution();
        m["energy_fwhm_eV"] = resolution.objective_eV;
        m["energy_fwhm_fitted"] = resolution.fitted;
        std::vector<double> per_line;  // NaN (null in JSON): not fitted
        for (const auto& l : chain.lines) per_line.push_back(l.fwhm_eV);
        m["fwhm_per_line_eV"] = per_line;
        m["toa_sigma_ns"] = chain.timing.sigma_s * 1e9;
        m["pileup_auc"] = chain.pileup.auc;
        m["latency_ns"] = chain.latency_mean_s * 1e9;
        m["lost_events"] = chain.lost_events();
        m["output_rate_per_s"] = chain.output_rate_per_s;
    } catch (const TrialFailure& e) {
        m["failed_stage"] = e.stage, m["error"] = e.what(), m["seconds"] = seconds;
        write_file_atomically(dir / "metrics.json", m.dump(2));
        throw;
    } catch (const std::exception& e) {
        m["failed_stage"] = stage, m["error"] = e.what(), m["seconds"] = seconds;
        write_file_atomically(dir / "metrics.json", m.dump(2));
        throw TrialFailure(stage, e.what());
    }
    m["seconds"] = seconds;
    return objectives_of(m);
}

optimizer::Evaluation TrialPipeline::objectives_of(nlohmann::json& m) const {
    const std::int64_t id = m["id"];
    const fs::path dir = study_ / "trials" / std::to_string(id);
    optimizer::Evaluation e;
    if (options_.guidance == Guidance::Synthesis) {
        e.objectives = {m["energy_fwhm_eV"], m["area_um2"], m["power_uW"], m["latency_ns"]};
        e.constraints = {m["area_um2"].get<double>() - options_.area_budget_um2,
                         m["power_uW"].get<double>() - options_.power_budget_uW,
                         -m["worst_slack_ns"].get<double>(), m["lost_events"].get<double>()};
    } else {
        e.objectives = {m["energy_fwhm_eV"], m["parameter_bits"], m["bops"], m["latency_ns"]};
        e.constraints = {0.0, 0.0, 0.0,
                         m["lost_events"].get<double>()};  // budgets unknowable without synthesis
    }
    m["objectives"] = e.objectives, m["constraints"] = e.constraints;
    write_file_atomically(dir / "metrics.json", m.dump(2));
    return e;
}

}  // namespace pixforge::codesign
