#include "optimizer/codesign/trial_pipeline.hpp"

#include <chrono>
#include <functional>
#include <sstream>

#include <fmt/format.h>

#include "core/atomic_file.hpp"
#include "core/provenance.hpp"
#include "datasets/dataset_builder.hpp"
#include "datasets/dataset_file.hpp"
#include "models/chain_params.hpp"
#include "models/network/integer_reference.hpp"
#include "models/training/network_trainer.hpp"
#include "rtl_gen/reference_check.hpp"
#include "rtl_gen/synthesis/stimuli.hpp"
#include "rtl_gen/verilog_writer.hpp"
#include "tb/chain_job.hpp"

namespace pixforge::codesign {

namespace fs = std::filesystem;

fs::path study_dataset(const Config& config, const fs::path& cache, std::ostream* progress) {
    const fs::path path = cache / "datasets" / (datasets::dataset_cache_key(config) + ".h5");
    ensure_cached_file(path, [&](const fs::path& temp) {
        datasets::build_dataset(config, 0, temp.string(),
                                current_provenance("pixforge optimize (study dataset)"), progress);
    });
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

models::QuantizedNetwork TrialPipeline::train(const Config& config, const rtl::HardwareTemplate& hw,
                                              const TrialFolder& folder, TrialMetrics& m) const {
    // The dataset's file name is its key (study_dataset).
    const std::string key = models::NetworkTrainer::cache_key(config, dataset_.filename().string());
    const fs::path path = cache_ / "networks" / (key + ".h5");
    ensure_cached_file(path, [&](const fs::path& temp) {
        const datasets::DatasetReader data(dataset_.string());
        models::NetworkTrainer trainer(config, datasets::read_training_set(data), nullptr);
        trainer.train();
        const Provenance p = current_provenance(fmt::format("pixforge optimize (trial {})", m.id));
        models::save_network(
            trainer.export_network(), temp.string(),
            provenance_json(
                p, {{"dataset", dataset_.string()}, {"study", study_.string()}, {"cache_key", key}}));
    });
    const models::QuantizedNetwork net = models::load_network(path.string());
    fs::create_directories(folder.candidate());
    fs::copy_file(path, folder.network(), fs::copy_options::overwrite_existing);
    m.network = models::describe_layers(net);
    m.network_hash = net.content_hash();
    const models::NetworkProxies proxies = models::theory_proxies(net, hw.reuse);
    m.macs = proxies.macs, m.bops = proxies.bops, m.parameter_bits = proxies.parameter_bits;
    return net;
}

rtl::GeneratedRtl TrialPipeline::build_rtl(const models::QuantizedNetwork& net,
                                           const rtl::HardwareTemplate& hw, const TrialFolder& folder,
                                           TrialMetrics& m) const {
    rtl::GeneratedRtl rtl = rtl::generate_verilog(net, hw);
    rtl::write_rtl(rtl, folder.candidate().string());
    const rtl::BuildResult build = rtl::CandidateBuilder(cache_).build(rtl);
    // Bit-exact against the integer reference on the dataset's first test windows.
    const datasets::DatasetReader data(dataset_.string());
    datasets::WindowBatch batch;
    const std::size_t n =
        std::min<std::size_t>(static_cast<std::size_t>(options_.check_windows), data.rows("test"));
    data.read("test", 0, n, batch);
    rtl::Candidate candidate(build.library);
    const rtl::ReferenceCheck check =
        rtl::check_against_reference(candidate, net, batch.adc.data(), n, batch.window);
    m.rtl_check_windows = static_cast<std::int64_t>(n);
    if (!check.equal())
        throw TrialFailure(
            "rtl", fmt::format("{} output words differ from the integer reference", check.differing_words));
    m.rtl_hash = rtl.rtl_hash();
    m.latency_cycles = rtl.timing.latency;
    m.initiation_interval = rtl.timing.initiation_interval;
    return rtl;
}

void TrialPipeline::synthesize(const Config& config, const models::QuantizedNetwork& net,
                               const rtl::HardwareTemplate& hw, const TrialFolder& folder,
                               TrialMetrics& m) const {
    const models::PixelChain chain(models::chain_params_from(config));
    // The pixel's whole block: trigger, history, capture and network count in area and power.
    const rtl::PpaResult p = ppa_->evaluate_pixel_in_chain(net, hw, chain);
    write_file_atomically(folder.ppa(), p.to_json().dump(2));
    if (!p.ok) throw TrialFailure(p.failed_stage, p.error);
    m.area_um2 = p.area_um2, m.cells = p.cells, m.flip_flops = p.flip_flops;
    m.critical_path_ns = p.critical_path_s * 1e9, m.worst_slack_ns = p.worst_slack_s * 1e9;
    m.max_clock_MHz = p.max_clock_Hz * 1e-6, m.power_uW = p.total_W * 1e6;
    m.clock_power_uW = p.clock_W * 1e6, m.energy_per_inference_pJ = p.energy_per_inference_J * 1e12;
    m.netlist = (fs::path(p.work_dir) / "netlist.v").string();
}

void TrialPipeline::simulate(const TrialFolder& folder, std::int64_t id, TrialMetrics& m) const {
    tb::ChainJob job;
    job.config = folder.config();
    job.candidate = folder.candidate();
    job.pixel_block = true;
    job.cache = cache_;
    job.pulses = options_.pulses;
    job.report = folder.chain_report();
    job.provenance_command = fmt::format("pixforge optimize (trial {})", id);
    const tb::IsolatedRun run =
        tb::ChainRunner(executable_, options_.simulate_timeout_s).run(job, folder.dir());
    if (!run.ok) throw TrialFailure("simulate", run.failure);
    const tb::ChainSummary& chain = *run.summary;
    // The one rule for unfitted lines (tb::ChainSummary::resolution): the objective counts an
    // unfitted or wider-than-the-line peak as 100 %; the flag says so.
    const datasets::LineResolution resolution = chain.resolution();
    m.energy_fwhm_eV = resolution.objective_eV;
    m.energy_fwhm_fitted = resolution.fitted;
    m.fwhm_per_line_eV.emplace();
    for (const auto& l : chain.lines) m.fwhm_per_line_eV->push_back(l.fwhm_eV);  // NaN: not fitted
    m.toa_sigma_ns = chain.timing.sigma_s * 1e9;
    m.pileup_auc = chain.pileup.auc;
    m.latency_ns = chain.latency_mean_s * 1e9;
    m.lost_events = chain.lost_events();
    m.output_rate_per_s = chain.output_rate_per_s;
}

optimizer::Evaluation TrialPipeline::evaluate(std::int64_t id, const std::vector<double>& u) const {
    const TrialFolder folder(study_, id);
    fs::create_directories(folder.dir());
    TrialMetrics m;
    m.id = id;
    m.design = space_.describe(u);
    std::string stage = "configure";
    try {
        const TrialDesign design = design_of(space_, u);
        m.template_name = design.hardware.name();
        std::vector<std::string> overrides = design.overrides;
        overrides.push_back("training.threads=1");  // trials train side by side
        const Config config =
            Config::parse(base_.schema(), base_.resolved_toml(), base_.source() + " (resolved)", overrides);
        write_file_atomically(folder.config(), config.resolved_toml());

        models::QuantizedNetwork net;
        rtl::GeneratedRtl rtl;
        const std::vector<std::pair<const char*, std::function<void()>>> stages{
            {"train", [&] { net = train(config, design.hardware, folder, m); }},
            {"rtl", [&] { rtl = build_rtl(net, design.hardware, folder, m); }},
            {"synthesis",
             [&] {
                 if (ppa_) synthesize(config, net, design.hardware, folder, m);
             }},
            {"simulate", [&] { simulate(folder, id, m); }},
        };
        for (const auto& [name, run] : stages) {
            stage = name;
            const auto start = std::chrono::steady_clock::now();
            run();
            if (std::string(name) != "synthesis" || ppa_)
                m.seconds[name] =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        }
    } catch (const TrialFailure& e) {
        m.failed_stage = e.stage, m.error = e.what();
        folder.write_metrics(m);
        throw;
    } catch (const std::exception& e) {
        m.failed_stage = stage, m.error = e.what();
        folder.write_metrics(m);
        throw TrialFailure(stage, e.what());
    }
    return objectives_of(m);
}

optimizer::Evaluation TrialPipeline::objectives_of(TrialMetrics& m) const {
    optimizer::Evaluation e;
    const double lost = static_cast<double>(*m.lost_events);
    if (options_.guidance == Guidance::Synthesis) {
        e.objectives = {*m.energy_fwhm_eV, *m.area_um2, *m.power_uW, *m.latency_ns};
        e.constraints = {*m.area_um2 - options_.area_budget_um2, *m.power_uW - options_.power_budget_uW,
                         -*m.worst_slack_ns, lost};
    } else {
        e.objectives = {*m.energy_fwhm_eV, static_cast<double>(*m.parameter_bits),
                        static_cast<double>(*m.bops), *m.latency_ns};
        e.constraints = {0.0, 0.0, 0.0, lost};  // budgets unknowable without synthesis
    }
    m.objectives = e.objectives, m.constraints = e.constraints;
    TrialFolder(study_, m.id).write_metrics(m);
    return e;
}

}  // namespace pixforge::codesign
