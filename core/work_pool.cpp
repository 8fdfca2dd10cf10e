#include "core/work_pool.hpp"

#include <cstdlib>
#include <exception>

namespace pixforge {

TaskResult run_task(const TaskWork& work, std::size_t index, const std::string& task) {
    TaskResult r;
    r.attempts = 1;
    try {
        r.bytes = work(index, task);
        r.ok = true;
    } catch (const std::exception& e) {
        r.failure = e.what();
    }
    return r;
}

bool launched_by_mpirun() {
    return std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMIX_RANK") || std::getenv("PMI_SIZE");
}

void LocalWorkPool::run(const std::vector<std::string>& tasks, const TaskWork& work, const TaskDone& done) {
    for (std::size_t i = 0; i < tasks.size(); ++i) done(i, run_task(work, i, tasks[i]));
}

}  // namespace pixforge
