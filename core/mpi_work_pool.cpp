#include "core/mpi_work_pool.hpp"

#include <mpi.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "core/error.hpp"

namespace pixforge {

namespace {

enum Tag : int { kReady = 1, kResult = 2, kAlive = 3, kTask = 4, kStop = 5 };
using Clock = std::chrono::steady_clock;
constexpr auto kPoll = std::chrono::milliseconds(2);  // idle ranks sleep between probes, never spin

// A message: the task's index (8 bytes), then its payload.
std::string pack(std::uint64_t index, const std::string& payload) {
    std::string bytes(sizeof index, '\0');
    std::memcpy(bytes.data(), &index, sizeof index);
    return bytes + payload;
}

std::uint64_t index_of(const std::string& bytes) {
    std::uint64_t index = 0;
    if (bytes.size() >= sizeof index) std::memcpy(&index, bytes.data(), sizeof index);
    return index;
}

void send(int to, int tag, const std::string& bytes) {
    MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, to, tag, MPI_COMM_WORLD);
}

std::string receive(const MPI_Status& probed) {
    int n = 0;
    MPI_Get_count(&probed, MPI_BYTE, &n);
    std::string bytes(static_cast<std::size_t>(n), '\0');
    MPI_Recv(bytes.data(), n, MPI_BYTE, probed.MPI_SOURCE, probed.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    return bytes;
}

// A message from `source` (MPI_ANY_SOURCE: anyone), or false when none is waiting.
bool probe(int source, MPI_Status& status) {
    int flag = 0;
    MPI_Iprobe(source, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
    return flag != 0;
}

class MpiWorkPool : public WorkPool {
  public:
    explicit MpiWorkPool(double silence_s) : silence_(silence_s) {
        int initialized = 0;
        MPI_Initialized(&initialized);
        int provided = MPI_THREAD_SINGLE;
        if (!initialized)
            MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
        else
            MPI_Query_thread(&provided);
        // A worker's second thread says it is alive while the first one works.
        if (provided < MPI_THREAD_SERIALIZED)
            throw PixError("MPI-002",
                           "this MPI library cannot serve two threads of a process (MPI_THREAD_SERIALIZED), "
                           "which a worker rank needs to say it is alive while it works; use Open MPI 4 "
                           "or later");
        MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
        MPI_Comm_size(MPI_COMM_WORLD, &size_);
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);  // a dead peer is not our death
        workers_.resize(static_cast<std::size_t>(size_));
    }
    // MPI_Finalize waits for every rank, a dead one too (Open MPI 4.1 hangs there): after a rank died,
    // the survivors end without it, their results already flushed.
    ~MpiWorkPool() override {
        if (rank_ == 0) {  // the workers wait for this: no more runs
            for (int rank = 1; rank < size_; ++rank)
                lost_rank_ = lost_rank_ || workers_[static_cast<std::size_t>(rank)].dead;
            const std::string stop = lost_rank_ ? "lost" : "";
            for (int rank = 1; rank < size_; ++rank) {
                if (!workers_[static_cast<std::size_t>(rank)].dead) {
                    send(rank, kStop, stop);
                    continue;
                }
                // Taken for dead, maybe only silent: told too, without waiting for a dead one.
                static const char kLost[] = "lost";  // outlives the send, which is never waited for
                MPI_Request request;
                MPI_Isend(kLost, lost_rank_ ? 4 : 0, MPI_BYTE, rank, kStop, MPI_COMM_WORLD, &request);
                MPI_Request_free(&request);
            }
        }
        if (!lost_rank_) MPI_Finalize();
    }

    bool coordinator() const override { return rank_ == 0; }
    int workers() const override { return size_ > 1 ? size_ - 1 : 1; }
    bool remote() const override { return size_ > 1; }

    void run(const std::vector<std::string>& tasks, const TaskWork& work, const TaskDone& done) override {
        if (size_ == 1)
            LocalWorkPool().run(tasks, work, done);
        else if (rank_ == 0)
            coordinate(tasks, done);
        else
            serve(work);
    }

  private:
    struct Worker {
        bool ready = false, dead = false;
        std::int64_t task = -1;
        Clock::time_point heard = Clock::now();
    };

    void serve(const TaskWork& work) {
        send(0, kReady, "");
        while (true) {
            MPI_Status status;
            if (!probe(0, status)) {
                std::this_thread::sleep_for(kPoll);
                continue;
            }
            const std::string message = receive(status);
            if (status.MPI_TAG == kStop) {
                lost_rank_ = message == "lost";
                return;
            }
            const std::uint64_t index = index_of(message);
            std::mutex sending;  // MPI_THREAD_SERIALIZED: one thread in MPI at a time
            std::atomic<bool> working{true};
            std::thread heartbeat([&] {
                for (int tick = 1; working; ++tick) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(100));
                    if (tick % 10 != 0 || !working) continue;
                    const std::lock_guard<std::mutex> one(sending);
                    send(0, kAlive, pack(index, ""));
                }
            });
            const TaskResult r = run_task(work, index, message.substr(sizeof index));
            working = false;
            heartbeat.join();
            send(0, kResult, pack(index, (r.ok ? "1" : "0") + (r.ok ? r.bytes : r.failure)));
        }
    }

    void coordinate(const std::vector<std::string>& tasks, const TaskDone& done) {
        std::vector<Worker>& workers = workers_;  // as the last run left them
        std::deque<std::size_t> pending;
        for (std::size_t i = 0; i < tasks.size(); ++i) pending.push_back(i);
        std::vector<int> attempts(tasks.size(), 0);
        std::size_t finished = 0;
        // A throwing `done` must not leave workers blocked on results nobody receives: every
        // result is still taken, and the first exception is rethrown once the run is over.
        std::exception_ptr first_error;
        const auto deliver = [&](std::size_t index, const TaskResult& r) {
            try {
                done(index, r);
            } catch (...) {
                if (!first_error) first_error = std::current_exception();
            }
            ++finished;
        };
        const auto fail = [&](std::size_t index, const std::string& why, int rank) {
            TaskResult r;
            r.failure = why, r.attempts = attempts[index], r.rank = rank;
            deliver(index, r);
        };
        // Rank 0 may have been busy between runs (a study's proposal, its dataset): silence counts
        // from now.
        for (Worker& w : workers) w.heard = Clock::now();
        while (finished < tasks.size()) {
            MPI_Status status;
            bool heard = false;
            while (probe(MPI_ANY_SOURCE, status)) {  // everything waiting, before judging silence
                heard = true;
                const std::string message = receive(status);
                Worker& w = workers[static_cast<std::size_t>(status.MPI_SOURCE)];
                w.heard = Clock::now();
                const std::uint64_t index = index_of(message);
                if (status.MPI_TAG == kReady && !w.dead) w.ready = true;
                if (status.MPI_TAG == kResult && !w.dead && w.task == static_cast<std::int64_t>(index)) {
                    TaskResult r;
                    r.ok = message.size() > sizeof index && message[sizeof index] == '1';
                    (r.ok ? r.bytes : r.failure) = message.substr(sizeof index + 1);
                    r.attempts = attempts[index], r.rank = status.MPI_SOURCE;
                    w.task = -1, w.ready = true;
                    deliver(index, r);
                }
            }
            for (int rank = 1; rank < size_; ++rank) {
                Worker& w = workers[static_cast<std::size_t>(rank)];
                const bool waiting = !w.dead && (w.task >= 0 || !w.ready);
                if (waiting && Clock::now() - w.heard > std::chrono::duration<double>(silence_)) {
                    w.dead = true;  // silent too long: its task goes elsewhere, once
                    if (w.task < 0) continue;
                    const auto index = static_cast<std::size_t>(w.task);
                    w.task = -1;
                    if (attempts[index] < 2)
                        pending.push_front(index);
                    else
                        fail(index,
                             fmt::format("rank {} stopped answering for {:.0f} s while it held the task "
                                         "(attempt {}): taken for dead",
                                         rank, silence_, attempts[index]),
                             rank);
                }
                if (!w.dead && w.ready && w.task < 0 && !pending.empty()) {
                    const std::size_t index = pending.front();
                    pending.pop_front();
                    send(rank, kTask, pack(index, tasks[index]));
                    ++attempts[index];
                    w.task = static_cast<std::int64_t>(index), w.ready = false, w.heard = Clock::now();
                }
            }
            bool anyone = false;
            for (int rank = 1; rank < size_; ++rank)
                anyone = anyone || !workers[static_cast<std::size_t>(rank)].dead;
            if (!anyone)
                while (!pending.empty()) {
                    fail(pending.front(), "no worker rank is left alive", 0);
                    pending.pop_front();
                }
            if (!heard) std::this_thread::sleep_for(kPoll);
        }
        if (first_error) std::rethrow_exception(first_error);
    }

    double silence_;
    int rank_ = 0, size_ = 1;
    bool lost_rank_ = false;
    std::vector<Worker> workers_;  // rank 0: what it knows of each rank, across runs
};

}  // namespace

std::unique_ptr<WorkPool> make_mpi_work_pool(double silence_s) {
    return std::make_unique<MpiWorkPool>(silence_s);
}

}  // namespace pixforge
