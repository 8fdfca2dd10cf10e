#include "optimizer/codesign/trial_folder.hpp"

#include <algorithm>

#include "core/atomic_file.hpp"
#include "core/typed_json.hpp"
#include "tb/candidate_dir.hpp"

namespace pixforge::codesign {

namespace fs = std::filesystem;

TrialFolder::TrialFolder(const fs::path& study_dir, std::int64_t id)
    : dir_(study_dir / "trials" / std::to_string(id)), id_(id) {}

std::vector<fs::path> TrialFolder::networks() const {
    std::vector<fs::path> files;
    for (const fs::path& folder : tb::network_folders(candidate())) files.push_back(folder / "network.h5");
    return files;
}

TrialFolder TrialFolder::classical(const fs::path& study_dir, std::int64_t index) {
    return {At{}, study_dir / "classical" / std::to_string(index), index};
}

TrialFolder TrialFolder::retrain(const fs::path& study_dir, std::int64_t index) {
    return {At{}, study_dir / "seeds" / std::to_string(index), index};
}

TrialMetrics TrialFolder::metrics() const {
    const nlohmann::json j = read_json_file(metrics_file());
    if (!j.is_object()) {
        TrialMetrics m;
        m.id = id_;
        return m;
    }
    return TrialMetrics::from_json(j, metrics_file().string());
}

void TrialFolder::write_metrics(const TrialMetrics& m) const {
    write_file_atomically(metrics_file(), m.to_json().dump(2));
}

std::vector<TrialFolder> TrialFolder::all(const fs::path& study_dir, const std::string& group) {
    std::vector<std::int64_t> ids;
    if (fs::is_directory(study_dir / group))
        for (const auto& entry : fs::directory_iterator(study_dir / group)) {
            const std::string name = entry.path().filename().string();
            if (!name.empty() && std::all_of(name.begin(), name.end(), ::isdigit))
                ids.push_back(std::stoll(name));
        }
    std::sort(ids.begin(), ids.end());
    std::vector<TrialFolder> out;
    for (std::int64_t id : ids) out.push_back(TrialFolder(At{}, study_dir / group / std::to_string(id), id));
    return out;
}

std::vector<TrialMetrics> TrialFolder::feasible(const fs::path& study_dir) {
    std::vector<TrialMetrics> out;
    for (const TrialFolder& t : all(study_dir)) {
        TrialMetrics m = t.metrics();
        if (m.feasible()) out.push_back(std::move(m));
    }
    return out;
}

}  // namespace pixforge::codesign
