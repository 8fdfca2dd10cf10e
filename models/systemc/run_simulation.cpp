#include "models/systemc/run_simulation.hpp"

#include <systemc>

#if defined(__SANITIZE_ADDRESS__)
#include <pthread.h>

#include <cstddef>

extern "C" void __sanitizer_start_switch_fiber(void** fake_stack_save, const void* bottom, std::size_t size);
extern "C" void __sanitizer_finish_switch_fiber(void* fake_stack_save, const void** bottom_old,
                                                std::size_t* size_old);
#endif

namespace pixforge::sc {

namespace {

void reannounce_thread_stack() {
#if defined(__SANITIZE_ADDRESS__)
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return;
    void* bottom = nullptr;
    std::size_t size = 0;
    const bool known = pthread_attr_getstack(&attr, &bottom, &size) == 0;
    pthread_attr_destroy(&attr);
    if (!known) return;
    // A switch from "wherever ASan thinks we are" to this thread's own stack, which we are on.
    void* fake_stack = nullptr;
    __sanitizer_start_switch_fiber(&fake_stack, bottom, size);
    __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
#endif
}

}  // namespace

void run_simulation() {
    sc_core::sc_start();
    reannounce_thread_stack();
}

}  // namespace pixforge::sc
