// A study on disk: every proposal and every result, so that a study killed at any moment
// (kill -9 included) resumes with nothing completed lost or recomputed.
//
//   STUDY/journal.jsonl  the source of truth: a header line, then "proposed" and "result"
//                        lines, each written and fsync'ed before the study moves on. Proposals
//                        are journaled before evaluation, so a resumed batch evaluates exactly
//                        the points it had proposed. A torn last line is dropped on resume.
//   STUDY/study.h5       the same trials for h5py (schema "pixforge.study", docs/study_schema.md),
//                        appended and flushed per result; rebuilt from the journal on resume,
//                        because an HDF5 file killed mid-write may be damaged.
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
    std::string config;  // resolved run config, stored for provenance
};

struct TrialRecord {
    std::int64_t id = 0;
    Trial trial;
    double seconds = 0;
    std::string error;  // why the evaluation failed, when it did
};

class Study {
  public:
    // Creates STUDY (which must not hold a study yet), or with `resume` reopens it, checking that
    // the strategy, seed, space and objectives match. Errors: STUDY-xxx.
    Study(const std::filesystem::path& dir, const StudySpec& spec, const DesignSpace& space, bool resume,
          const Provenance& provenance);
    ~Study();

    const std::vector<TrialRecord>& completed() const { return completed_; }
    std::vector<Trial> history() const;
    // Proposed and not yet finished, in proposal order.
    const std::vector<std::pair<std::int64_t, std::vector<double>>>& pending() const { return pending_; }

    std::vector<std::int64_t> record_proposals(const std::vector<std::vector<double>>& points);
    void record_result(const TrialRecord& record);
    double hypervolume() const;

  private:
    void write_line(const std::string& line);
    void rebuild_h5();
    void append_h5(const TrialRecord& r);

    std::filesystem::path dir_;
    StudySpec spec_;
    const DesignSpace& space_;
    Provenance provenance_;
    int journal_fd_ = -1;
    std::int64_t next_id_ = 0;
    std::vector<TrialRecord> completed_;
    std::vector<std::pair<std::int64_t, std::vector<double>>> pending_;
    struct H5;
    std::unique_ptr<H5> h5_;
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
void run_study_parallel(Study& study, Strategy& strategy, const TrialEvaluator& evaluate, int budget, int batch,
                        int workers, const std::function<void(const TrialRecord&)>& on_result);

}  // namespace pixforge::optimizer
