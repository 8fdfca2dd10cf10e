// The work pool over an MPI job (`mpirun -np N pixforge ...`): rank 0 coordinates, hands out tasks
// one at a time to the ranks that ask, and gets every result back as bytes (no shared file system is
// needed); ranks 1..N-1 work. A worker that holds a task says it is alive every second (a second
// thread does, whatever the task does); one
// that stays silent for `silence_s` is taken for dead, and its task goes to another rank once more
// (then it is a recorded failure). Under Open MPI the job survives a dead rank only when started with
// `mpirun --enable-recovery`; without it mpirun stops every rank, and a rerun resumes from what rank 0
// flushed. With one rank, tasks run in that process.
#pragma once

#include <memory>

#include "core/work_pool.hpp"

namespace pixforge {

// MPI_Init on construction, MPI_Finalize on destruction: one per process.
std::unique_ptr<WorkPool> make_mpi_work_pool(double silence_s);

}  // namespace pixforge
