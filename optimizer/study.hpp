// A study on disk: every proposal and every result, so that a study killed at any moment
// (kill -9 included) resumes with nothing completed lost or recomputed.
//
//   STUDY/journal.jsonl  the source of truth: a header line, then "proposed" and "result"
//                        lines, each written and fsync'ed before the study moves on. Proposals
//                        are journaled before evaluation, so a resumed batch evaluates exactly
//                        the points it had proposed. A torn last line is dropped on resume.
//   STUDY/study.h5       the same trials for h5py (schema "pixforge.study", docs/study_schema.md),
//                        rewritten beside and renamed into place after each result, so it is
//                        always whole; rebuilt from the journal on resume.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/provenance.hpp"
#include "optimizer/design_space.hpp"
#include "optimizer/problems.hpp"
#include "optimizer/strategy.hpp"

namespace pixforge::optimizer {

struct StudySpec {
    std::string strategy;
    std::uint64_t seed = 1;
    std::vector<std::string> objective_names, constraint_names;
    Vector reference;
    // Resolved run config (TOML), journaled: a resume with any other value is refused (STUDY-009),
    // except the keys below.
    std::string config;
    // The budget may grow or shrink on resume: it says when to stop, not what a trial computes.
    // (optimize: optimizer.evaluations; bench-optimizer: evaluations.)
    std::vector<std::string> may_change_on_resume{"optimizer.evaluations", "evaluations"};
};

// The keys of two TOML documents whose values differ (or that only one has), each as
// "key: old -> new", ignoring `ignored` keys; empty when they agree. Throws STUDY-009 on bad TOML.
std::vector<std::string> config_differences(const std::string& old_toml, const std::string& new_toml,
                                            const std::vector<std::string>& ignored);

// "first difference, and N more": how a refusal names what changed without a wall of text.
std::string summarize_differences(const std::vector<std::string>& differences);

struct TrialRecord {
    std::int64_t id = 0;
    Trial trial;
    double seconds = 0;
    std::string error;  // why the evaluation failed, when it did
};

class Study {
  public:
    // Creates STUDY (which must not hold a study yet), or with `resume` reopens it, checking that
    // the strategy, seed, objectives (STUDY-003), parameter definitions (STUDY-007), reference
    // point (STUDY-008) and config (STUDY-009) match the journal's header. Errors: STUDY-xxx.
    Study(const std::filesystem::path& dir, const StudySpec& spec, const DesignSpace& space, bool resume,
          const Provenance& provenance);
    ~Study();

    const std::vector<TrialRecord>& completed() const { return completed_; }
    // The finished trials by id (what a strategy proposes from: the same whatever order they finished in).
    std::vector<Trial> history() const;
    // Proposed and not yet finished, in proposal order.
    const std::vector<std::pair<std::int64_t, std::vector<double>>>& pending() const { return pending_; }

    std::vector<std::int64_t> record_proposals(const std::vector<std::vector<double>>& points);
    void record_result(const TrialRecord& record);
    double hypervolume() const;

  private:
    void write_line(const std::string& line);
    void write_h5() const;

    std::filesystem::path dir_;
    StudySpec spec_;
    const DesignSpace& space_;
    Provenance provenance_;
    int journal_fd_ = -1;
    std::int64_t next_id_ = 0;
    std::vector<TrialRecord> completed_;
    std::vector<std::pair<std::int64_t, std::vector<double>>> pending_;
    std::vector<double> hypervolume_after_;  // of the completed trials up to each one
};

// What evaluating one point gives; throw to record a failed trial (the study goes on).
using Evaluator = std::function<Evaluation(const std::vector<double>& u)>;

// Proposes in batches of `batch`, evaluates, records, until `budget` trials are complete.
// Prints a line per trial to `progress` when given.
void run_study(Study& study, Strategy& strategy, const DesignSpace& space, const Evaluator& evaluate,
               int budget, int batch, std::ostream* progress);

// The same with up to `workers` evaluations running at once (threads; the evaluator must be
// thread-safe). Batches stay synchronous: `batch` points are proposed together, evaluated, and
// recorded (by this thread, in the order they finish) before the next proposal, so the strategy
// never proposes without knowing a trial it started. `on_result` follows each record.
using TrialEvaluator = std::function<Evaluation(std::int64_t id, const std::vector<double>& u)>;
void run_study_parallel(Study& study, Strategy& strategy, const TrialEvaluator& evaluate, int budget,
                        int batch, int workers, const std::function<void(const TrialRecord&)>& on_result);

// How a batch of proposed points is evaluated: each finished record goes to `record` (on this
// thread, in the order they finish) before the call returns. Threads (threaded_batches), or the
// ranks of an MPI job (codesign::pooled_batches).
using PendingPoints = std::vector<std::pair<std::int64_t, std::vector<double>>>;
using BatchRunner =
    std::function<void(const PendingPoints& batch, const std::function<void(const TrialRecord&)>& record)>;
BatchRunner threaded_batches(const TrialEvaluator& evaluate, int workers);

// run_study_parallel with any batch runner.
void run_study_batches(Study& study, Strategy& strategy, const BatchRunner& run_batch, int budget, int batch,
                       const std::function<void(const TrialRecord&)>& on_result);

}  // namespace pixforge::optimizer
