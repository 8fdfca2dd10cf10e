#include "rtl_gen/verilated_library.hpp"

#include <dlfcn.h>

#include <fmt/format.h>

#include "core/error.hpp"

namespace pixforge::rtl {

VerilatedLibrary::VerilatedLibrary(const std::filesystem::path& library, bool pixel_block) {
    handle_ = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_)
        throw PixError("RTL-020",
                       fmt::format("{}: cannot load the candidate: {}", library.string(), dlerror()));
    using Entry = const PixforgeCandidateApi* (*)();
    auto entry = reinterpret_cast<Entry>(dlsym(handle_, "pixforge_candidate_api"));
    if (!entry)
        throw PixError("RTL-020",
                       library.string() + ": not a pixforge candidate (no pixforge_candidate_api)");
    api_ = entry();
    if (api_->abi_version != 3)
        throw PixError("RTL-020", library.string() + ": candidate ABI version mismatch; rebuild it");
    if (pixel_block ? api_->step_pixel == nullptr : api_->step == nullptr)
        throw PixError("RTL-020",
                       fmt::format("{}: expected a {} candidate, the library holds the other kind",
                                   library.string(), pixel_block ? "pixel-block" : "window-level"));
    model_ = api_->create();
}

VerilatedLibrary::~VerilatedLibrary() {
    if (model_) api_->destroy(model_);
    // The library stays loaded: Verilator's runtime registers static state we must not unmap.
}

void VerilatedNetwork::reset() {
    std::vector<std::uint16_t> zeros(static_cast<size_t>(lib_.api().samples), 0);
    std::vector<std::int64_t> out(static_cast<size_t>(lib_.api().outputs));
    int in_ready = 0, out_valid = 0;
    for (int i = 0; i < 2; ++i)
        lib_.api().step(lib_.model(), 1, 0, zeros.data(), 0, &in_ready, &out_valid, out.data());
}

VerilatedNetwork::Cycle VerilatedNetwork::step(bool in_valid, const std::uint16_t* samples, bool out_ready) {
    Cycle c;
    c.outputs.resize(static_cast<size_t>(lib_.api().outputs));
    int in_ready = 0, out_valid = 0;
    lib_.api().step(lib_.model(), 0, in_valid, samples, out_ready, &in_ready, &out_valid, c.outputs.data());
    c.in_ready = in_ready;
    c.out_valid = out_valid;
    return c;
}

std::vector<std::int64_t> VerilatedNetwork::run_batch(const std::uint16_t* windows, std::size_t count,
                                                      int window, std::uint64_t* cycles) {
    std::vector<std::int64_t> results;
    results.reserve(count * static_cast<size_t>(lib_.api().outputs));
    std::vector<std::int64_t> out(static_cast<size_t>(lib_.api().outputs));
    std::size_t sent = 0;
    std::uint64_t n = 0;
    int in_ready = 0, out_valid = 0;
    while (results.size() < count * static_cast<size_t>(lib_.api().outputs)) {
        const bool valid = sent < count;
        const std::uint16_t* w = windows + (valid ? sent : 0) * static_cast<size_t>(window);
        lib_.api().step(lib_.model(), 0, valid, w, 1, &in_ready, &out_valid, out.data());
        ++n;
        if (valid && in_ready) ++sent;
        if (out_valid) results.insert(results.end(), out.begin(), out.end());
        if (n > 1000000 + 100000 * count)
            throw PixError("RTL-021", "the candidate stopped producing results");
    }
    if (cycles) *cycles = n;
    return results;
}

VerilatedPixelBlock::VerilatedPixelBlock(const std::filesystem::path& library) : lib_(library, true) {
    cycle_.outputs.resize(static_cast<size_t>(lib_.api().outputs));
}

VerilatedPixelBlock::~VerilatedPixelBlock() {
    if (lib_.api().wave_close) lib_.api().wave_close(lib_.model());
}

void VerilatedPixelBlock::open_waves(const std::filesystem::path& fst) {
    if (!lib_.api().wave_open)
        throw PixError(
            "RTL-013",
            "the candidate library was built without waveforms (VerilatedLibraryBuilder::build with "
            "waveforms); rebuild it so");
    if (!lib_.api().wave_open(lib_.model(), fst.c_str()))
        throw PixError("SIM-011", fmt::format("cannot write the waveform file {}", fst.string()));
}

void VerilatedPixelBlock::wave_at(std::uint64_t time_ps, std::uint64_t half_ps, bool on,
                                  std::int32_t analog_e) {
    if (lib_.api().wave_at) lib_.api().wave_at(lib_.model(), time_ps, half_ps, on ? 1 : 0, analog_e);
}

void VerilatedPixelBlock::reset() {
    for (int i = 0; i < 2; ++i) {
        int flags[8];
        lib_.api().step_pixel(lib_.model(), 1, 0, 0, 0, flags, cycle_.outputs.data());
    }
}

const VerilatedPixelBlock::Cycle& VerilatedPixelBlock::step(bool s_valid, std::uint16_t code,
                                                            bool out_ready) {
    int f[8];
    lib_.api().step_pixel(lib_.model(), 0, s_valid, code, out_ready, f, cycle_.outputs.data());
    cycle_.out_valid = f[0], cycle_.trig = f[1], cycle_.armed = f[2], cycle_.dead_edge = f[3];
    cycle_.lost = f[4], cycle_.idle = f[5], cycle_.cap_valid = f[6];
    cycle_.cap_code = static_cast<std::uint16_t>(f[7]);
    return cycle_;
}

}  // namespace pixforge::rtl
