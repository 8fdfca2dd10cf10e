// A study's trials on the ranks of an MPI job (core/mpi_work_pool.hpp): rank 0 keeps the journal,
// proposes, and hands each point of a batch to a worker rank, which evaluates it through its own
// TrialPipeline and sends back the objectives and the whole trial folder (STUDY/trials/<id>/) as
// bytes, so the ranks need not share a file system; rank 0 writes the folder (metrics.json last) and
// records the trial. A trial that fails on its rank, or whose rank dies twice, is a failed trial.
#pragma once

#include <filesystem>

#include "core/work_pool.hpp"
#include "optimizer/codesign/trial_pipeline.hpp"
#include "optimizer/study.hpp"

namespace pixforge::codesign {

// Rank 0: each batch through `pool`.
optimizer::BatchRunner pooled_batches(WorkPool& pool, const std::filesystem::path& study_dir);

// A worker rank: evaluates what rank 0 hands out until its pool is done.
void serve_trials(WorkPool& pool, const TrialPipeline& pipeline, const std::filesystem::path& study_dir);

}  // namespace pixforge::codesign
