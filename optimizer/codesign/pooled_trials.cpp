#include "optimizer/codesign/pooled_trials.hpp"

#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/folder_bytes.hpp"
#include "optimizer/codesign/trial_folder.hpp"

namespace pixforge::codesign {

using nlohmann::json;

optimizer::BatchRunner pooled_batches(WorkPool& pool, const std::filesystem::path& study_dir) {
    return [&pool, study_dir](const optimizer::PendingPoints& batch,
                              const std::function<void(const optimizer::TrialRecord&)>& record) {
        std::vector<std::string> tasks;
        for (const auto& [id, u] : batch) tasks.push_back(json{{"id", id}, {"u", u}}.dump());
        pool.run(tasks, {}, [&](std::size_t i, const TaskResult& r) {
            optimizer::TrialRecord rec;
            rec.id = batch[i].first;
            rec.trial.u = batch[i].second;
            rec.trial.ok = false;
            rec.error = r.failure;
            if (r.ok) try {  // a damaged answer is that trial's failure, never the study's end
                    const json j = json::from_cbor(r.bytes);
                    const TrialFolder folder(study_dir, rec.id);
                    json_to_folder(j.at("files"), folder.dir(), folder.metrics_file().filename().string());
                    rec.trial.objectives = j.at("objectives").get<optimizer::Vector>();
                    rec.trial.constraints = j.at("constraints").get<optimizer::Vector>();
                    rec.seconds = j.at("seconds").get<double>();
                    rec.trial.ok = true;
                } catch (const std::exception& e) {
                    rec.error = std::string("the worker rank's answer could not be read: ") + e.what();
                }
            if (!rec.trial.ok && r.attempts > 1) rec.error += fmt::format(" (attempt {})", r.attempts);
            record(rec);
        });
    };
}

void serve_trials(WorkPool& pool, const TrialPipeline& pipeline, const std::filesystem::path& study_dir) {
    pool.run(
        {},
        [&](std::size_t, const std::string& task) {
            const json t = json::parse(task);
            const auto id = t.at("id").get<std::int64_t>();
            const auto start = std::chrono::steady_clock::now();
            const optimizer::Evaluation e = pipeline.evaluate(id, t.at("u").get<std::vector<double>>());
            const json out = {
                {"objectives", e.objectives},
                {"constraints", e.constraints},
                {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()},
                {"files", folder_to_json(TrialFolder(study_dir, id).dir())}};
            const std::vector<std::uint8_t> cbor = json::to_cbor(out);
            return std::string(cbor.begin(), cbor.end());
        },
        {});
}

}  // namespace pixforge::codesign
