#include "optimizer/study.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <future>
#include <limits>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/h5.hpp"
#include "core/typed_json.hpp"

namespace pixforge::optimizer {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kJournal = "journal.jsonl";
constexpr const char* kH5 = "study.h5";

// Everything that decides which point a parameter's coordinate means.
json definition_of(const DesignSpace& space, size_t i) {
    const Parameter& p = space[i];
    const char* kinds[] = {"continuous", "integer", "ordinal", "categorical"};
    json d{{"kind", kinds[static_cast<int>(p.kind)]}};
    if (p.kind == ParamKind::Continuous || p.kind == ParamKind::Integer)
        d["min"] = p.low, d["max"] = p.high, d["log"] = p.log;
    if (p.kind == ParamKind::Ordinal) d["values"] = p.values;
    if (p.kind == ParamKind::Categorical) d["choices"] = p.choices;
    if (p.parent >= 0) d["when"] = {{space[static_cast<size_t>(p.parent)].name, p.parent_values}};
    return d;
}

json header_of(const StudySpec& spec, const DesignSpace& space) {
    json params = json::array(), definitions = json::object();
    for (size_t i = 0; i < space.size(); ++i) {
        params.push_back(space[i].name);
        definitions[space[i].name] = definition_of(space, i);
    }
    return {{"study", "pixforge.study"},
            {"version", 1},
            {"strategy", spec.strategy},
            {"seed", spec.seed},
            {"parameters", params},
            {"space", definitions},
            {"objectives", spec.objective_names},
            {"constraints", spec.constraint_names},
            {"reference", spec.reference},
            {"config", spec.config}};
}

std::string shown(const json& value) {
    return value.is_null() ? "(not recorded)" : value.dump();
}

// The header of an existing journal against this run's settings; the first difference refused.
void check_resume(const fs::path& dir, const json& old_header, const json& now, const StudySpec& spec) {
    for (const char* key : {"strategy", "seed", "parameters", "objectives", "constraints"})
        if (old_header.value(key, json()) != now[key])
            throw PixError("STUDY-003", fmt::format("{}: the study was started with {} = {}, now {} = {}; "
                                                    "resume with the same settings",
                                                    dir.string(), key, shown(old_header.value(key, json())),
                                                    key, now[key].dump()));
    const json old_space = old_header.value("space", json());
    for (const auto& [name, definition] : now["space"].items()) {
        const json before = old_space.is_object() ? old_space.value(name, json()) : json();
        if (before != definition)
            throw PixError("STUDY-007",
                           fmt::format("{}: parameter [space.{}] was {}, now {}; a changed range or "
                                       "choice list moves every journaled point: resume with the "
                                       "original definition or start a new study",
                                       dir.string(), name, shown(before), definition.dump()));
    }
    if (old_header.value("reference", json()) != now["reference"])
        throw PixError(
            "STUDY-008",
            fmt::format("{}: the hypervolume reference point was {}, now {}; resume with the original "
                        "codesign.reference or start a new study",
                        dir.string(), shown(old_header.value("reference", json())), now["reference"].dump()));
    const json old_config = old_header.value("config", json());
    if (!old_config.is_string())
        throw PixError("STUDY-009",
                       fmt::format("{}: the journal does not record the config the study was started "
                                   "with (an older pixforge); start a new study",
                                   dir.string()));
    const auto changed =
        config_differences(old_config.get<std::string>(), spec.config, spec.may_change_on_resume);
    if (!changed.empty())
        throw PixError("STUDY-009",
                       fmt::format("{}: the config differs from the one the study was started with ({}); "
                                   "resume with the original config and --set values, or start a new study",
                                   dir.string(), summarize_differences(changed)));
}

void flatten(const toml::table& table, const std::string& prefix, std::map<std::string, std::string>& out) {
    for (const auto& [key, node] : table) {
        const std::string name = prefix + std::string(key.str());
        if (const toml::table* sub = node.as_table()) {
            flatten(*sub, name + ".", out);
        } else {
            std::ostringstream text;
            node.visit([&](const auto& n) { text << n; });
            out[name] = text.str();
        }
    }
}

std::map<std::string, std::string> flat_config(const std::string& text, const char* which) {
    std::map<std::string, std::string> out;
    try {
        flatten(toml::parse(text, std::string_view(which)), "", out);
    } catch (const toml::parse_error& e) {
        throw PixError("STUDY-009",
                       fmt::format("the {} config is not valid TOML: {}", which, e.description()));
    }
    return out;
}

// Every journaled point has one coordinate per parameter, every succeeded trial one value per
// objective and constraint: the strategy and the hypervolume index them without checking.
void check_sizes(const fs::path& journal,
                 const std::vector<std::pair<std::int64_t, std::vector<double>>>& pending,
                 const std::vector<TrialRecord>& completed, std::size_t parameters, const StudySpec& spec) {
    auto refuse = [&](std::int64_t id, const char* what, std::size_t n, std::size_t expected) {
        throw PixError("STUDY-004", fmt::format("{}: trial {} has {} {} where the study has {}; the journal "
                                                "is damaged: start a new study",
                                                journal.string(), id, n, what, expected));
    };
    for (const auto& [id, u] : pending)
        if (u.size() != parameters) refuse(id, "coordinates 'u'", u.size(), parameters);
    for (const TrialRecord& r : completed) {
        if (r.trial.u.size() != parameters) refuse(r.id, "coordinates 'u'", r.trial.u.size(), parameters);
        if (!r.trial.ok) continue;
        if (r.trial.objectives.size() != spec.objective_names.size())
            refuse(r.id, "'objectives'", r.trial.objectives.size(), spec.objective_names.size());
        if (r.trial.constraints.size() != spec.constraint_names.size())
            refuse(r.id, "'constraints'", r.trial.constraints.size(), spec.constraint_names.size());
    }
}

}  // namespace

std::vector<std::string> config_differences(const std::string& old_toml, const std::string& new_toml,
                                            const std::vector<std::string>& ignored) {
    const auto before = flat_config(old_toml, "journaled"), now = flat_config(new_toml, "current");
    std::map<std::string, std::pair<std::string, std::string>> changes;
    for (const auto& [key, value] : before) {
        const auto it = now.find(key);
        const std::string after = it == now.end() ? "(absent)" : it->second;
        if (after != value) changes[key] = {value, after};
    }
    for (const auto& [key, value] : now)
        if (!before.count(key)) changes[key] = {"(absent)", value};
    std::vector<std::string> out;
    for (const auto& [key, values] : changes)
        if (std::find(ignored.begin(), ignored.end(), key) == ignored.end())
            out.push_back(fmt::format("{}: {} -> {}", key, values.first, values.second));
    return out;
}

std::string summarize_differences(const std::vector<std::string>& differences) {
    if (differences.empty()) return "no differences";
    if (differences.size() == 1) return differences.front();
    return fmt::format("{}, and {} more", differences.front(), differences.size() - 1);
}

Study::Study(const fs::path& dir, const StudySpec& spec, const DesignSpace& space, bool resume,
             const Provenance& provenance)
    : dir_(dir), spec_(spec), space_(space), provenance_(provenance) {
    const fs::path journal = dir / kJournal;
    const json expected = header_of(spec, space);
    if (!resume) {
        if (fs::exists(journal))
            throw PixError("STUDY-001",
                           fmt::format("{}: a study already exists here; pass --resume to continue it or "
                                       "choose another folder",
                                       dir.string()));
        fs::create_directories(dir);
    } else {
        if (!fs::exists(journal))
            throw PixError("STUDY-002",
                           fmt::format("{}: no study to resume (missing {})", dir.string(), kJournal));
        std::ifstream in(journal, std::ios::binary);
        std::string line;
        std::uintmax_t good_bytes = 0;
        std::size_t number = 0;
        json header;
        while (std::getline(in, line)) {
            if (in.eof()) break;  // no newline: a torn last write
            json j;
            try {
                j = json::parse(line);
            } catch (const json::parse_error&) {
                break;  // a torn line can only be the last one: everything after it is dropped
            }
            good_bytes += line.size() + 1;
            const TypedJson at{"STUDY-004", fmt::format("{} line {}", journal.string(), ++number),
                               "start a new study"};
            if (number == 1) {
                if (!j.is_object() || j.value("study", json()) != "pixforge.study")
                    throw PixError("STUDY-004", fmt::format("{}: line 1 is not a pixforge study header",
                                                            journal.string()));
                header = j;
                continue;
            }
            if (!j.is_object()) at.refuse("", "a JSON object", j);
            if (j.contains("proposed")) {
                pending_.emplace_back(at.integer(j, "proposed"), at.numbers(j, "u"));
                next_id_ = std::max(next_id_, pending_.back().first + 1);
            } else if (j.contains("result")) {
                TrialRecord r;
                r.id = at.integer(j, "result");
                r.trial.u = at.numbers(j, "u");
                r.trial.ok = at.boolean(j, "ok");
                r.trial.objectives = at.numbers(j, "objectives");
                r.trial.constraints = at.numbers(j, "constraints");
                r.seconds = at.number(j, "seconds");
                r.error = j.contains("error") ? at.text(j, "error") : "";
                completed_.push_back(r);
                pending_.erase(std::remove_if(pending_.begin(), pending_.end(),
                                              [&](const auto& p) { return p.first == r.id; }),
                               pending_.end());
            }
        }
        if (number == 0)
            throw PixError("STUDY-004", fmt::format("{}: {} has no header line", dir.string(), kJournal));
        // Readable first, then the same study: only now can point sizes be held against the space.
        check_resume(dir, header, expected, spec);
        check_sizes(journal, pending_, completed_, space.size(), spec);
        fs::resize_file(journal, good_bytes);  // drop a torn tail before appending
    }
    journal_fd_ = ::open(journal.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (journal_fd_ < 0)
        throw PixError("STUDY-005", fmt::format("{}: cannot write the journal", journal.string()));
    if (!resume) write_line(expected.dump());
    std::vector<Trial> so_far;
    for (const auto& r : completed_) {
        so_far.push_back(r.trial);
        hypervolume_after_.push_back(optimizer::hypervolume(feasible_objectives(so_far), spec_.reference));
    }
    write_h5();
}

Study::~Study() {
    if (journal_fd_ >= 0) ::close(journal_fd_);
}

void Study::write_line(const std::string& line) {
    const std::string data = line + "\n";
    if (::write(journal_fd_, data.data(), data.size()) != static_cast<ssize_t>(data.size()) ||
        ::fsync(journal_fd_) != 0)
        throw PixError("STUDY-005",
                       fmt::format("{}: cannot write the journal (disk full?)", (dir_ / kJournal).string()));
}

std::vector<Trial> Study::history() const {
    // By id, not by completion: parallel trials finish in an order the machine decides, and the
    // strategy must see the same history to propose the same points (seed for seed, the same study).
    std::vector<const TrialRecord*> by_id;
    for (const auto& r : completed_) by_id.push_back(&r);
    std::stable_sort(by_id.begin(), by_id.end(),
                     [](const TrialRecord* a, const TrialRecord* b) { return a->id < b->id; });
    std::vector<Trial> out;
    for (const TrialRecord* r : by_id) out.push_back(r->trial);
    return out;
}

std::vector<std::int64_t> Study::record_proposals(const std::vector<std::vector<double>>& points) {
    std::vector<std::int64_t> ids;
    for (const auto& u : points) {
        ids.push_back(next_id_++);
        pending_.emplace_back(ids.back(), u);
        write_line(json{{"proposed", ids.back()}, {"u", u}}.dump());
    }
    return ids;
}

void Study::record_result(const TrialRecord& r) {
    write_line(json{
        {"result", r.id},
        {"u", r.trial.u},
        {"ok", r.trial.ok},
        {"objectives", r.trial.objectives},
        {"constraints", r.trial.constraints},
        {"seconds", r.seconds},
        {"error",
         r.error}}.dump());
    completed_.push_back(r);
    pending_.erase(
        std::remove_if(pending_.begin(), pending_.end(), [&](const auto& p) { return p.first == r.id; }),
        pending_.end());
    hypervolume_after_.push_back(hypervolume());
    write_h5();
}

double Study::hypervolume() const {
    return optimizer::hypervolume(feasible_objectives(history()), spec_.reference);
}

void Study::write_h5() const {
    // Rewritten whole after each result and renamed into place: a kill -9 at any moment leaves
    // the previous complete file (HDF5 appended in place can be left damaged).
    AtomicFile target(dir_ / kH5);
    h5::silence_library_errors();
    {
        h5::Handle file = h5::create_file(target.temp().string());
        const hid_t root = file.id();
        h5::write_attribute(root, "schema", std::string("pixforge.study"));
        h5::write_attribute(root, "schema_version", std::int64_t{1});
        h5::write_provenance(root, provenance_, spec_.config, spec_.seed);
        h5::write_attribute(root, "strategy", spec_.strategy);
        std::vector<std::string> params;
        for (size_t i = 0; i < space_.size(); ++i) params.push_back(space_[i].name);
        h5::write_strings(root, "parameter_names", params);
        h5::write_strings(root, "objective_names", spec_.objective_names);
        h5::write_strings(root, "constraint_names", spec_.constraint_names);
        h5::write_vector(root, "reference_point", spec_.reference, "");
        h5::Handle group = h5::create_group(root, "trials");
        const hid_t g = group.id();
        const size_t p = space_.size(), m = spec_.objective_names.size(), c = spec_.constraint_names.size();
        h5::AppendableDataset id(g, "id", H5T_STD_I64LE, 0, 256, ""),
            u(g, "u", H5T_IEEE_F64LE, p, 256, "unit cube"), values(g, "values", H5T_IEEE_F64LE, p, 256, ""),
            objectives(g, "objectives", H5T_IEEE_F64LE, m, 256, ""), ok(g, "ok", H5T_STD_U8LE, 0, 256, ""),
            seconds(g, "seconds", H5T_IEEE_F64LE, 0, 256, "s"),
            hv(g, "hypervolume", H5T_IEEE_F64LE, 0, 256, "");
        h5::AppendableDataset constraints;
        if (c) constraints = h5::AppendableDataset(g, "constraints", H5T_IEEE_F64LE, c, 256, "");
        auto sized = [](Vector v, size_t n) {
            v.resize(n, std::numeric_limits<double>::quiet_NaN());
            return v;
        };
        for (size_t k = 0; k < completed_.size(); ++k) {
            const TrialRecord& r = completed_[k];
            std::vector<double> numeric;
            for (size_t i = 0; i < p; ++i) numeric.push_back(space_.numeric_value(i, r.trial.u));
            id.append(std::vector<std::int64_t>{r.id});
            u.append(r.trial.u);
            values.append(numeric);
            objectives.append(sized(r.trial.ok ? r.trial.objectives : Vector{}, m));
            if (c) constraints.append(sized(r.trial.ok ? r.trial.constraints : Vector{}, c));
            ok.append(std::vector<std::uint8_t>{r.trial.ok ? std::uint8_t{1} : std::uint8_t{0}});
            seconds.append(std::vector<double>{r.seconds});
            hv.append(std::vector<double>{hypervolume_after_[k]});
        }
    }
    target.commit();
}

void run_study(Study& study, Strategy& strategy, const DesignSpace& space, const Evaluator& evaluate,
               int budget, int batch, std::ostream* progress) {
    const auto start = std::chrono::steady_clock::now();
    run_study_parallel(
        study, strategy, [&](std::int64_t, const std::vector<double>& u) { return evaluate(u); }, budget,
        batch, 1,
        [&](const TrialRecord& r) {
            if (!progress) return;
            const double elapsed =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            const int done = static_cast<int>(study.completed().size());
            *progress << fmt::format("trial {:>4}/{} {} {} | HV {:.6g} | {:.1f} s\n", done, budget,
                                     r.trial.ok ? "ok    " : "FAILED", space.describe(r.trial.u),
                                     study.hypervolume(), elapsed)
                      << std::flush;
        });
}

void run_study_parallel(Study& study, Strategy& strategy, const TrialEvaluator& evaluate, int budget,
                        int batch, int workers, const std::function<void(const TrialRecord&)>& on_result) {
    run_study_batches(study, strategy, threaded_batches(evaluate, workers), budget, batch, on_result);
}

BatchRunner threaded_batches(const TrialEvaluator& evaluate, int workers) {
    return [evaluate, workers](const PendingPoints& batch,
                               const std::function<void(const TrialRecord&)>& record) {
        struct Running {
            std::int64_t id;
            std::vector<double> u;
            std::chrono::steady_clock::time_point start;
            std::future<Evaluation> result;
        };
        std::vector<Running> running;
        auto finish = [&](Running& r) {
            TrialRecord rec;
            rec.id = r.id;
            rec.trial.u = r.u;
            try {
                const Evaluation e = r.result.get();
                rec.trial.objectives = e.objectives;
                rec.trial.constraints = e.constraints;
            } catch (const std::exception& e) {
                rec.trial.ok = false;
                rec.error = e.what();
            }
            rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - r.start).count();
            record(rec);
        };
        // One worker evaluates in this thread.
        const auto policy = workers > 1 ? std::launch::async : std::launch::deferred;
        for (const auto& [id, u] : batch) {
            if (static_cast<int>(running.size()) >= workers) {
                finish(running.front());
                running.erase(running.begin());
            }
            running.push_back({id, u, std::chrono::steady_clock::now(),
                               std::async(policy, [&evaluate, id = id, u = u] { return evaluate(id, u); })});
        }
        // Record in completion order.
        while (!running.empty()) {
            for (size_t i = 0; i < running.size(); ++i) {
                if (running[i].result.wait_for(std::chrono::milliseconds(20)) == std::future_status::timeout)
                    continue;
                finish(running[i]);
                running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
                break;
            }
        }
    };
}

void run_study_batches(Study& study, Strategy& strategy, const BatchRunner& run_batch, int budget, int batch,
                       const std::function<void(const TrialRecord&)>& on_result) {
    // Synchronous batches: propose `batch` points (the strategy sees them as one batch, e.g. the
    // kriging believer), evaluate them, and propose again once all are recorded. Proposing while
    // trials are in flight would hand the strategy a history without them.
    while (static_cast<int>(study.completed().size()) < budget) {
        if (study.pending().empty()) {
            const int q = std::min(batch, budget - static_cast<int>(study.completed().size()));
            const auto points = strategy.propose(study.history(), q);
            if (points.empty()) throw std::logic_error(strategy.name() + " proposed nothing");
            study.record_proposals(points);
        }
        // Every pending point is unstarted here (the last batch was drained); a resumed study
        // evaluates exactly what it had proposed.
        const PendingPoints pending = study.pending();
        run_batch(pending, [&](const TrialRecord& rec) {
            study.record_result(rec);
            if (on_result) on_result(rec);
        });
    }
}

}  // namespace pixforge::optimizer
