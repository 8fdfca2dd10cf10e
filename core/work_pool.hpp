// Hands out independent tasks and collects their results: in this process (LocalWorkPool), or over
// the ranks of an MPI job (core/mpi_work_pool.hpp), where rank 0 coordinates and owns the results
// and the other ranks work. Tasks and results are opaque byte strings (the caller's JSON or CBOR),
// so a pool knows nothing of what they mean, and no result needs a file system shared by the ranks.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace pixforge {

struct TaskResult {
    bool ok = false;
    std::string bytes;    // the work's result, when ok
    std::string failure;  // what went wrong, otherwise
    int attempts = 0;     // 1, or more when a worker died with the task and it was handed out again
    int rank = 0;         // the rank that produced it (0 in one process)
};

// A task's work, run on a worker: its result bytes, or an exception whose message is the failure.
using TaskWork = std::function<std::string(std::size_t index, const std::string& task)>;
// Called on the coordinator as each result arrives (completion order), so it can be flushed at once.
using TaskDone = std::function<void(std::size_t index, const TaskResult& result)>;

class WorkPool {
  public:
    virtual ~WorkPool() = default;
    // True on the process that owns the results: rank 0, or the only process.
    virtual bool coordinator() const = 0;
    // Processes that evaluate tasks.
    virtual int workers() const = 0;
    // True when tasks run in other processes (MPI ranks), so their results must travel as bytes.
    virtual bool remote() const { return false; }
    // Runs every task once (a task whose worker dies is handed out again, once). On the coordinator,
    // `done` gets each result, and the call may be repeated (a study's batches); on a worker rank
    // `tasks` and `done` are unused, and the one call serves every run until the coordinator's pool
    // is destroyed.
    virtual void run(const std::vector<std::string>& tasks, const TaskWork& work, const TaskDone& done) = 0;
};

// Every task in order, in this process.
class LocalWorkPool : public WorkPool {
  public:
    bool coordinator() const override { return true; }
    int workers() const override { return 1; }
    void run(const std::vector<std::string>& tasks, const TaskWork& work, const TaskDone& done) override;
};

// True when an MPI launcher (mpirun, srun) started this process: Open MPI's and PMIx's environment.
bool launched_by_mpirun();

// Runs `work` on one task and turns an exception into a failed result.
TaskResult run_task(const TaskWork& work, std::size_t index, const std::string& task);

}  // namespace pixforge
