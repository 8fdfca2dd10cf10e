#include "optimizer/codesign/trial_pipeline.hpp"

#include <chrono>
#include <cmath>
#include <functional>
#include <mutex>
#include <sstream>

#include <fmt/format.h>

#include "core/atomic_file.hpp"
#include "core/content_hash.hpp"
#include "core/provenance.hpp"
#include "core/typed_json.hpp"
#include "datasets/classical_hardware.hpp"
#include "datasets/dataset_builder.hpp"
#include "datasets/dataset_file.hpp"
#include "models/chain_params.hpp"
#include "models/network/integer_reference.hpp"
#include "models/pixel_budget.hpp"
#include "models/training/network_trainer.hpp"
#include "rtl_gen/reference_check.hpp"
#include "rtl_gen/synthesis/stimuli.hpp"
#include "rtl_gen/verilog_writer.hpp"
#include "tb/candidate_dir.hpp"
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
                             fs::path study_dir, fs::path cache_dir, fs::path executable)
    : base_(base),
      space_(space),
      options_(std::move(options)),
      study_(std::move(study_dir)),
      cache_(std::move(cache_dir)),
      executable_(std::move(executable)) {
    if (options_.guidance == Guidance::Synthesis)
        ppa_ = std::make_unique<rtl::PpaEvaluator>(rtl::SynthesisOptions::from_config(base_), cache_);
}

std::vector<rtl::PixelCore> TrialPipeline::train(const Config& config, const fs::path& dataset,
                                                 const std::vector<DesignCore>& cores,
                                                 const TrialFolder& folder, TrialMetrics& m) const {
    std::vector<rtl::PixelCore> trained;
    for (std::size_t k = 0; k < cores.size(); ++k) {
        // A network of several trains with its own shape and heads on the trial's data.
        const fs::path candidate = tb::network_folder(folder.candidate(), k, cores.size());
        const Config mine =
            cores[k].overrides.empty()
                ? config
                : Config::parse(config.schema(), config.resolved_toml(),
                                config.source() + fmt::format(" (network {})", k), cores[k].overrides);
        trained.push_back({train_network(mine, dataset, candidate, m.id), cores[k].hardware});
    }
    record_networks(trained, m);
    return trained;
}

models::QuantizedNetwork TrialPipeline::train_network(const Config& config, const fs::path& dataset,
                                                      const fs::path& candidate, std::int64_t id) const {
    // The dataset's file name is its key (study_dataset).
    const std::string key = models::NetworkTrainer::cache_key(config, dataset.filename().string());
    const fs::path path = cache_ / "networks" / (key + ".h5");
    ensure_cached_file(path, [&](const fs::path& temp) {
        const auto set = [&] {
            const std::lock_guard<std::mutex> one_at_a_time(datasets_);
            return datasets::read_training_set(datasets::DatasetReader(dataset.string()));
        }();
        models::NetworkTrainer trainer(config, set, nullptr);
        trainer.train();
        const Provenance p = current_provenance(fmt::format("pixforge optimize (trial {})", id));
        models::save_network(
            trainer.export_network(), temp.string(),
            provenance_json(p,
                            {{"dataset", dataset.string()}, {"study", study_.string()}, {"cache_key", key}}));
    });
    fs::create_directories(candidate);
    fs::copy_file(path, candidate / "network.h5", fs::copy_options::overwrite_existing);
    return models::load_network(path.string());
}

models::QuantizedNetwork TrialPipeline::classical(const Config& config, const fs::path& dataset,
                                                  const datasets::ClassicalHardware& spec,
                                                  const TrialFolder& folder, TrialMetrics& m) const {
    const models::QuantizedNetwork net =
        datasets::classical_network(config, datasets::DatasetReader(dataset.string()), spec);
    fs::create_directories(folder.candidate());
    models::save_network(
        net, folder.network().string(),
        provenance_json(
            current_provenance(fmt::format("pixforge optimize (classical {})", m.id)),
            {{"dataset", dataset.string()}, {"classical", spec.name}, {"bits", std::to_string(spec.bits)}}));
    return net;
}

void TrialPipeline::record_networks(const std::vector<rtl::PixelCore>& cores, TrialMetrics& m) {
    std::vector<models::QuantizedNetwork> nets;
    m.macs = m.bops = m.parameter_bits = 0;
    for (const rtl::PixelCore& c : cores) {
        nets.push_back(c.network);
        const models::NetworkProxies proxies = models::theory_proxies(c.network, c.hardware.reuse);
        *m.macs += proxies.macs, *m.bops += proxies.bops, *m.parameter_bits += proxies.parameter_bits;
    }
    m.network = models::describe_networks(nets);
    m.network_hash = rtl::cores_network_hash(cores);
}

void TrialPipeline::build_rtl(const Config& config, const std::vector<rtl::PixelCore>& cores,
                              const fs::path& dataset, const TrialFolder& folder, TrialMetrics& m) const {
    // The test windows each network is checked on: the dataset's first.
    datasets::WindowBatch batch;
    std::size_t n = 0;
    {
        const std::lock_guard<std::mutex> one_at_a_time(datasets_);
        const datasets::DatasetReader data(dataset.string());
        n = std::min<std::size_t>(static_cast<std::size_t>(options_.check_windows), data.rows("test"));
        data.read("test", 0, n, batch);
    }
    const double clock_s = config.real("synthesis.clock_period");
    std::map<std::string, double> task_latency_ns;
    for (std::size_t k = 0; k < cores.size(); ++k) {
        const rtl::PixelCore& core = cores[k];
        const rtl::GeneratedRtl rtl = rtl::generate_verilog(core.network, core.hardware);
        rtl::write_rtl(rtl, (tb::network_folder(folder.candidate(), k, cores.size())).string());
        const rtl::BuildResult build = rtl::VerilatedLibraryBuilder(cache_).build(rtl);
        // Bit-exact against the integer reference on the dataset's first test windows.
        rtl::VerilatedNetwork candidate(build.library);
        const rtl::ReferenceCheck check =
            rtl::check_against_reference(candidate, core.network, batch.adc.data(), n, batch.window);
        if (!check.equal())
            throw TrialFailure("rtl",
                               fmt::format("{} output words of network {} differ from the integer reference",
                                           check.differing_words, k));
        for (const models::HeadSpec& h : core.network.heads)
            task_latency_ns[h.name] =
                std::round(rtl.timing.after_window * clock_s * 1e15) / 1e6;  // ns, to the fs
        m.rtl_hash = rtl.rtl_hash();
        m.latency_cycles = std::max<std::int64_t>(m.latency_cycles.value_or(0), rtl.timing.latency);
        m.initiation_interval =
            std::max<std::int64_t>(m.initiation_interval.value_or(0), rtl.timing.initiation_interval);
    }
    m.rtl_check_windows = static_cast<std::int64_t>(n);
    // Several networks: the block's RTL is what runs (RTL-003 when they cannot share it).
    if (cores.size() > 1)
        m.rtl_hash =
            rtl::generate_pixel_block(
                cores, rtl::pixel_block_spec(models::PixelChain(models::chain_params_from(config)), clock_s))
                .rtl_hash();
    const auto latency = [&](const char* task) {
        const auto it = task_latency_ns.find(task);
        return it == task_latency_ns.end() ? std::nullopt : std::optional<double>(it->second);
    };
    m.energy_latency_ns = latency("energy"), m.toa_latency_ns = latency("toa");
    m.pileup_latency_ns = latency("pileup");
}

void TrialPipeline::synthesize(const Config& config, const std::vector<rtl::PixelCore>& cores,
                               const TrialFolder& folder, TrialMetrics& m) const {
    const models::ChainParams params = models::chain_params_from(config);
    const models::PixelChain chain(params);
    // The pixel's whole block: trigger, history, capture and networks count in area and power.
    const rtl::PpaResult p = ppa_->evaluate_pixel_in_chain(cores, chain);
    write_file_atomically(folder.ppa(), p.to_json().dump(2));
    if (!p.ok) throw TrialFailure(p.failed_stage, p.error);
    record_synthesis(p, config, params.adc, m);
}

void record_synthesis(const rtl::PpaResult& p, const Config& config, const models::AdcParams& adc,
                      TrialMetrics& m) {
    m.area_um2 = p.area_um2, m.cells = p.cells, m.flip_flops = p.flip_flops;
    m.critical_path_ns = p.critical_path_s * 1e9, m.worst_slack_ns = p.worst_slack_s * 1e9;
    m.max_clock_MHz = p.max_clock_Hz * 1e-6, m.power_uW = p.total_W * 1e6;
    m.clock_power_uW = p.clock_W * 1e6, m.energy_per_inference_pJ = p.energy_per_inference_J * 1e12;
    m.netlist = (fs::path(p.work_dir) / "netlist.v").string();
    // The block in its pixel: the trial's own ADC and pitch (either may be in the design space).
    const models::PixelFit fit =
        models::fit_pixel(models::PixelBudget::from_config(config), adc, p.area_um2, p.total_W);
    m.adc_power_uW = fit.adc_W * 1e6, m.pixel_power_uW = fit.pixel_W() * 1e6;
    m.area_over_budget_um2 = fit.area_over_um2, m.power_over_budget_uW = fit.power_over_W * 1e6;
    m.smallest_pitch_um = fit.smallest_pitch_m * 1e6;
}

namespace {

// A chain run depends on the trial's config, its RTL and its network. Its cache key holds the
// resolved config less what a chain run never reads (the search's settings: [optimizer], [space.*]
// and every [codesign] key but `pulses`), so that studies evaluating the same design in the same
// scenario share the run (compare-strategies); a key left in only costs a rerun.
std::string chain_run_key(const std::string& resolved_config, const TrialMetrics& m) {
    std::istringstream in(resolved_config);
    std::string kept, table;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.front() == '[') table = line;
        const bool search =
            table == "[optimizer]" || table.rfind("[space", 0) == 0 ||
            (table == "[codesign]" && !line.empty() && line.front() != '[' && line.rfind("pulses", 0) != 0);
        if (!search) kept += line + "\n";
    }
    return ContentHash().add(kept).add(m.rtl_hash.value_or("")).add(m.network_hash.value_or("")).hex();
}

}  // namespace

void TrialPipeline::simulate(const Config& config, const TrialFolder& folder, TrialMetrics& m) const {
    const fs::path cached = cache_ / "chains" / chain_run_key(config.resolved_toml(), m);
    const fs::path summary_file = folder.dir() / "chain.json";
    if (fs::exists(cached / "chain.json") && fs::exists(cached / "chain.h5")) {
        fs::copy_file(cached / "chain.json", summary_file, fs::copy_options::overwrite_existing);
        fs::copy_file(cached / "chain.h5", folder.chain_report(), fs::copy_options::overwrite_existing);
        record_chain(tb::ChainSummary::from_json(read_json_file(summary_file), summary_file.string()), m);
        return;
    }
    tb::ChainJob job;
    job.config = folder.config();
    job.candidate = folder.candidate();
    job.pixel_block = true;
    job.cache = cache_;
    job.pulses = options_.pulses;
    job.report = folder.chain_report();
    job.provenance_command = fmt::format("pixforge optimize ({})", folder.dir().filename().string());
    const tb::IsolatedRun run =
        tb::ChainRunner(executable_, options_.simulate_timeout_s).run(job, folder.dir());
    if (!run.ok) throw TrialFailure("simulate", run.failure);
    record_chain(*run.summary, m);
    // Published whole (a folder renamed into place); another worker's copy of the same run wins.
    std::error_code ec;
    fs::create_directories(cached.parent_path(), ec);
    const fs::path temp =
        cached.parent_path() / fmt::format(".{}.partial-{}", cached.filename().string(), m.id);
    fs::create_directories(temp, ec);
    fs::copy_file(summary_file, temp / "chain.json", fs::copy_options::overwrite_existing, ec);
    if (!ec)
        fs::copy_file(folder.chain_report(), temp / "chain.h5", fs::copy_options::overwrite_existing, ec);
    if (!ec) fs::rename(temp, cached, ec);
    if (ec) fs::remove_all(temp, ec);
}

void TrialPipeline::record_chain(const tb::ChainSummary& chain, TrialMetrics& m) {
    // The one rule for unfitted lines (tb::ChainSummary::resolution): the objective counts an
    // unfitted or wider-than-the-line peak as 100 %; the flag says so.
    const datasets::LineResolution resolution = chain.resolution();
    m.energy_fwhm_eV = resolution.objective_eV;
    m.energy_fwhm_fitted = resolution.fitted;
    m.fwhm_per_line_eV.emplace();
    for (const auto& l : chain.lines) m.fwhm_per_line_eV->push_back(l.fwhm_eV);  // NaN: not fitted
    m.toa_sigma_ns = chain.timing.sigma_s * 1e9;
    m.pileup_auc = chain.pileup.auc, m.pileup_tpr_at_1pct_fpr = chain.pileup.tpr_at_1pct_fpr;
    m.dead_fraction = chain.dead_fraction;
    m.latency_ns = chain.latency_mean_s * 1e9;
    m.lost_events = chain.lost_events();
    m.output_rate_per_s = chain.output_rate_per_s;
}

optimizer::Evaluation TrialPipeline::evaluate(std::int64_t id, const std::vector<double>& u) const {
    TrialMetrics m;
    m.id = id;
    m.design = space_.describe(u);
    return run(TrialFolder(study_, id), m, [&] { return network_plan(u); });
}

TrialPipeline::Plan TrialPipeline::network_plan(const std::vector<double>& u) const {
    const TrialDesign design = design_of(space_, u);
    Plan plan{design.overrides, design.cores, std::nullopt};
    // A network of the study's heads; networks split by task compute theirs.
    if (options_.heads_follow_objectives && design.cores.front().heads.empty())
        for (const std::string& off : options_.goals.unread_head_overrides()) plan.overrides.push_back(off);
    plan.overrides.push_back("training.threads=1");  // trials train side by side
    return plan;
}

TrialMetrics TrialPipeline::evaluate_retrain(std::int64_t index, std::int64_t trial,
                                             const std::vector<double>& u, std::int64_t seed) const {
    TrialMetrics m;
    m.id = index;
    m.design = space_.describe(u);
    m.retrain_of = trial, m.training_seed = seed;
    try {
        run(TrialFolder::retrain(study_, index), m, [&] {
            Plan plan = network_plan(u);
            plan.overrides.push_back(fmt::format("training.seed={}", seed));
            return plan;
        });
    } catch (const TrialFailure&) {  // recorded in its metrics, as a trial's
    }
    return m;
}

std::string TrialPipeline::classical_design(const datasets::ClassicalHardware& spec,
                                            const rtl::HardwareTemplate& hw,
                                            const std::vector<std::string>& chain) {
    std::string text = fmt::format("{}, {}", datasets::describe(spec), hw.name());
    if (!chain.empty()) text += fmt::format(", {}", fmt::join(chain, ", "));
    return text;
}

std::vector<std::string> TrialPipeline::chain_of(const std::vector<double>& u) const {
    return chain_overrides(design_of(space_, u));
}

TrialMetrics TrialPipeline::evaluate_classical(std::int64_t index, const datasets::ClassicalHardware& spec,
                                               const rtl::HardwareTemplate& hw,
                                               const std::vector<std::string>& chain) const {
    TrialMetrics m;
    m.id = index;
    m.design = classical_design(spec, hw, chain);
    try {
        run(TrialFolder::classical(study_, index), m, [&] { return Plan{chain, {{{}, {}, hw}}, spec}; });
    } catch (const TrialFailure&) {  // recorded in its metrics, as a trial's
    }
    return m;
}

optimizer::Evaluation TrialPipeline::run(const TrialFolder& folder, TrialMetrics& m,
                                         const std::function<Plan()>& make_plan) const {
    fs::create_directories(folder.dir());
    std::string stage = "configure";
    try {
        const Plan plan = make_plan();
        std::vector<std::string> templates;
        for (const DesignCore& c : plan.cores) templates.push_back(c.hardware.name());
        m.template_name = fmt::format("{}", fmt::join(templates, "+"));
        const Config config = Config::parse(base_.schema(), base_.resolved_toml(),
                                            base_.source() + " (resolved)", plan.overrides);
        write_file_atomically(folder.config(), config.resolved_toml());

        fs::path dataset;
        std::vector<rtl::PixelCore> cores;
        const std::vector<std::pair<const char*, std::function<void()>>> stages{
            // The trial's own chain settings (the ADC, the shaping time may be in the space): the
            // study's dataset unless one of them differs.
            {"dataset",
             [&] {
                 const std::lock_guard<std::mutex> one_at_a_time(datasets_);
                 dataset = study_dataset(config, cache_, nullptr);
             }},
            {plan.classical ? "classical" : "train",
             [&] {
                 if (plan.classical) {
                     cores = {{classical(config, dataset, *plan.classical, folder, m),
                               plan.cores.front().hardware}};
                     record_networks(cores, m);
                 } else {
                     cores = train(config, dataset, plan.cores, folder, m);
                 }
             }},
            {"rtl", [&] { build_rtl(config, cores, dataset, folder, m); }},
            {"synthesis",
             [&] {
                 if (ppa_) synthesize(config, cores, folder, m);
             }},
            {"simulate", [&] { simulate(config, folder, m); }},
        };
        for (const auto& [name, stage_run] : stages) {
            stage = name;
            const auto start = std::chrono::steady_clock::now();
            stage_run();
            if (std::string(name) != "synthesis" || ppa_)
                m.seconds[name] =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        }
        stage = "objectives";
        return objectives_of(folder, m);
    } catch (const TrialFailure& e) {
        m.failed_stage = e.stage, m.error = e.what();
        folder.write_metrics(m);
        throw;
    } catch (const std::exception& e) {
        m.failed_stage = stage, m.error = e.what();
        folder.write_metrics(m);
        throw TrialFailure(stage, e.what());
    }
}

optimizer::Evaluation TrialPipeline::objectives_of(const TrialFolder& folder, TrialMetrics& m) const {
    const optimizer::Evaluation e = options_.goals.evaluate(m);
    m.objectives = e.objectives, m.constraints = e.constraints;
    folder.write_metrics(m);
    return e;
}

}  // namespace pixforge::codesign
