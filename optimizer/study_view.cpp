#include "optimizer/study_view.hpp"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/typed_json.hpp"
#include "optimizer/pareto.hpp"

namespace pixforge::optimizer {

namespace fs = std::filesystem;

JournalView read_journal(const fs::path& dir, std::size_t objectives, std::size_t constraints,
                         const Vector& reference) {
    JournalView v;
    std::ifstream in(dir / "journal.jsonl");
    std::string line;
    std::vector<Vector> feasible_points;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("result")) continue;
        const TypedJson journal{"STUDY-004",
                                fmt::format("{} line {}", (dir / "journal.jsonl").string(), number),
                                "start a new study"};
        StudyRow r;
        r.id = journal.integer(j, "result");
        r.ok = journal.boolean(j, "ok");
        // A failed trial's objectives are meaningless (and may be empty); a succeeded one's are indexed.
        r.objectives = journal.numbers(j, "objectives", r.ok ? objectives : TypedJson::kAnySize);
        r.constraints = journal.numbers(j, "constraints", r.ok ? constraints : TypedJson::kAnySize);
        r.seconds = journal.number(j, "seconds");
        journal.optional_text(j, "error");
        r.error = j.value("error", "");
        r.feasible = r.ok;
        for (double c : r.constraints) r.feasible = r.feasible && c <= 0;
        if (r.feasible) feasible_points.push_back(r.objectives);
        v.hv_trace.push_back(hypervolume(feasible_points, reference));
        v.rows.push_back(std::move(r));
    }
    std::vector<Vector> points;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < v.rows.size(); ++i)
        if (v.rows[i].feasible) points.push_back(v.rows[i].objectives), index.push_back(i);
    for (std::size_t k : pareto_indices(points)) v.pareto.push_back(index[k]);
    std::sort(v.pareto.begin(), v.pareto.end(), [&](std::size_t a, std::size_t b) {
        return v.rows[a].objectives[0] < v.rows[b].objectives[0];
    });
    return v;
}

}  // namespace pixforge::optimizer
