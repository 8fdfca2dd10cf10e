// Generated RTL as a loadable simulation: Verilated once per RTL content (VerilatedLibraryBuilder),
// loaded with dlopen(RTLD_NOW | RTLD_LOCAL) behind a small C ABI. ("Candidate" names only the
// folder `pixforge rtl` writes, tb/candidate_dir.hpp; the ABI's names and the cache's candidates/
// folder keep the old word so that built libraries stay valid.) Each library is Verilated with a
// prefix derived from its RTL hash and compiled with hidden visibility, so two of them with the
// same module names in one process each run their own code (DESIGN.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "models/network/clocked_network.hpp"
#include "rtl_gen/verilog_writer.hpp"

namespace pixforge::rtl {

// The C ABI every Verilated library exports (one symbol: pixforge_candidate_api).
extern "C" {
struct PixforgeCandidateApi {
    int abi_version;
    int samples, sample_bits, outputs, output_bits;
    void* (*create)();
    void (*destroy)(void*);
    // One clock cycle: inputs held during the cycle, outputs as seen before the rising edge.
    // A window-level top (pixforge_net) has `step`, the pixel block (pixforge_pixel) `step_pixel`;
    // the other is null. flags: out_valid, trig, armed, dead_edge, lost, idle, cap_valid, cap_code.
    void (*step)(void* model, int rst, int in_valid, const std::uint16_t* samples, int out_ready,
                 int* in_ready, int* out_valid, std::int64_t* outputs);
    void (*step_pixel)(void* model, int rst, int s_valid, int code, int out_ready, int* flags,
                       std::int64_t* outputs);
    // Waveforms (a pixel block built with them, VerilatedLibraryBuilder::build(rtl, true); else null): open
    // an FST file; set the time of the next cycle (its falling edge; the rising edge half_ps later),
    // whether it is dumped, and the analog signal shown beside it; close the file.
    int (*wave_open)(void* model, const char* path);
    void (*wave_at)(void* model, std::uint64_t time_ps, std::uint64_t half_ps, int on, std::int32_t analog_e);
    void (*wave_close)(void* model);
};
}

// A loaded Verilated library and one model instance of it (RTL-020 when it cannot be loaded or
// has the other kind of top).
class VerilatedLibrary {
  public:
    VerilatedLibrary(const std::filesystem::path& library, bool pixel_block);
    ~VerilatedLibrary();
    VerilatedLibrary(const VerilatedLibrary&) = delete;
    VerilatedLibrary& operator=(const VerilatedLibrary&) = delete;
    const PixforgeCandidateApi& api() const { return *api_; }
    void* model() const { return model_; }

  private:
    void* handle_ = nullptr;
    const PixforgeCandidateApi* api_ = nullptr;
    void* model_ = nullptr;
};

// A window-level network (top pixforge_net).
class VerilatedNetwork : public models::ClockedNetwork {
  public:
    explicit VerilatedNetwork(const std::filesystem::path& library) : lib_(library, false) {}

    void reset() override;
    Cycle step(bool in_valid, const std::uint16_t* samples, bool out_ready) override;
    // Streams windows (each `window` samples long, the first `samples()` used) through the
    // candidate with a ready output, collecting one result per window.
    std::vector<std::int64_t> run_batch(const std::uint16_t* windows, std::size_t count, int window,
                                        std::uint64_t* cycles = nullptr);

    int samples() const override { return lib_.api().samples; }
    int outputs() const { return lib_.api().outputs; }

  private:
    VerilatedLibrary lib_;
};

// A pixel block (top pixforge_pixel, rtl_gen/pixel_block).
class VerilatedPixelBlock : public models::ClockedPixelBlock {
  public:
    explicit VerilatedPixelBlock(const std::filesystem::path& library);
    ~VerilatedPixelBlock() override;
    void reset() override;
    // Waveforms into `fst` (RTL-013 when the library was built without them).
    void open_waves(const std::filesystem::path& fst);
    void wave_at(std::uint64_t time_ps, std::uint64_t half_ps, bool on, std::int32_t analog_e);
    const Cycle& step(bool s_valid, std::uint16_t code, bool out_ready) override;
    int samples() const override { return lib_.api().samples; }
    int outputs() const { return lib_.api().outputs; }

  private:
    VerilatedLibrary lib_;
    Cycle cycle_;
};

struct BuildResult {
    std::filesystem::path library;
    std::string prefix;  // Verilator --prefix, from the RTL hash
    bool cached = false;
    double seconds = 0;
};

// Builds Verilated libraries into a content-addressed cache: <cache>/candidates/<hash>/libcandidate.so.
// Concurrent builds of one hash each work in a private folder and rename it into place; the
// loser of the race discards its copy. Verilator lint runs with -Wall and must be clean:
// warnings and errors throw RTL-010 with the file and line. Verilator and the compiler run from
// argv lists in their own process groups; a step longer than `tool_timeout_s` is killed (RTL-012).
class VerilatedLibraryBuilder {
  public:
    static constexpr double kDefaultToolTimeout_s = 600;
    explicit VerilatedLibraryBuilder(std::filesystem::path cache_dir,
                                     double tool_timeout_s = kDefaultToolTimeout_s);
    // `waveforms`: a pixel block with Verilator's FST tracing and the analog signal as a port
    // (RTL-013 for a window-level top), cached apart from the plain build.
    BuildResult build(const GeneratedRtl& rtl, bool waveforms = false);
    const std::filesystem::path& cache_dir() const { return cache_; }
    // The cache a command uses: `chosen` (--cache) when given, else $PIXFORGE_CACHE, else
    // $XDG_CACHE_HOME/pixforge, else ~/.cache/pixforge.
    static std::filesystem::path cache_or_default(const std::filesystem::path& chosen = {});

  private:
    std::filesystem::path runtime_library();  // the shared Verilator runtime, built once
    std::filesystem::path precompiled_header();

    std::filesystem::path cache_;  // absolute
    double tool_timeout_s_;
    std::vector<std::string> compiler_;  // {"ccache", "g++"} or {"g++"}
};

}  // namespace pixforge::rtl
