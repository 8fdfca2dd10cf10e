// pixforge rtl: Verilog for a trained network and a hardware template; optionally the Verilated
// candidate library and its speed.
#include <filesystem>

#include <fmt/format.h>

#include "app/cli.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "rtl_gen/reference_check.hpp"
#include "rtl_gen/verilated_library.hpp"

namespace pixforge::app {

Action add_rtl_command(CLI::App& cmd) {
    struct Options {
        std::string net, out, cache;
        TemplateOptions hardware;
        int bench = 0;
        bool build = false;
    };
    auto o = std::make_shared<Options>();
    cmd.add_option("-n,--net", o->net, "trained network (from pixforge train)")->required();
    o->hardware.add_to(cmd);
    cmd.add_option("-o,--out", o->out, "folder for the Verilog files and summary.json")->required();
    cmd.add_flag("--build", o->build, "also Verilate and compile the candidate library (cached by RTL hash)");
    cmd.add_option("--bench", o->bench,
                   "with --build: simulate N random windows and print cycles/s and inferences/s")
        ->check(CLI::NonNegativeNumber);
    cmd.add_option("--cache", o->cache, "candidate cache (default $PIXFORGE_CACHE or ~/.cache/pixforge)");
    cmd.footer(
        "Example:\n  pixforge rtl -n out/default/network.h5 -t folded -r 4 -o out/rtl --build --bench "
        "100000");
    return [o](std::ostream& out, std::ostream& err) {
        if (std::filesystem::exists(o->out) && !std::filesystem::is_directory(o->out))
            throw PixError("CLI-005",
                           fmt::format("pixforge rtl: --out '{}' is a file; expected a folder (new or "
                                       "holding an earlier candidate)",
                                       o->out));
        const models::QuantizedNetwork net = models::load_network(o->net);
        const rtl::HardwareTemplate t = o->hardware.parse();
        const rtl::GeneratedRtl rtl = rtl::generate_verilog(net, t);
        rtl::write_rtl(rtl, o->out);
        // The folder is a self-contained candidate (pixforge simulate --candidate): keep the network.
        const auto kept = std::filesystem::path(o->out) / "network.h5";
        if (!std::filesystem::exists(kept) || !std::filesystem::equivalent(o->net, kept))
            std::filesystem::copy_file(o->net, kept, std::filesystem::copy_options::overwrite_existing);
        out << fmt::format(
            "wrote {} ({} files, {}): latency {} cycles, initiation interval {}, RTL hash {}\n", o->out,
            rtl.files.size(), t.name(), rtl.timing.latency, rtl.timing.initiation_interval, rtl.rtl_hash());
        if (!o->build) return 0;
        rtl::VerilatedLibraryBuilder builder(rtl::VerilatedLibraryBuilder::cache_or_default(o->cache));
        const rtl::BuildResult b = builder.build(rtl);
        out << fmt::format("candidate {} ({}, {:.2f} s)\n", b.library.string(), b.cached ? "cached" : "built",
                           b.seconds);
        if (o->bench <= 0) return 0;
        rtl::VerilatedNetwork c(b.library);
        const int window = rtl.samples;
        std::vector<std::uint16_t> w(static_cast<size_t>(o->bench) * static_cast<size_t>(window));
        Rng rng(1, "rtl bench");
        for (auto& x : w) x = static_cast<std::uint16_t>(rng.next() % (1u << net.input.adc_bits));
        const rtl::ReferenceCheck check =
            rtl::check_against_reference(c, net, w.data(), static_cast<size_t>(o->bench), window);
        const double s = check.rtl_seconds;
        out << fmt::format(
            "simulated {} inferences in {} cycles, {:.3f} s: {:.3g} cycles/s, {:.3g} inferences/s; "
            "{} mismatches against the integer reference\n",
            o->bench, check.cycles, s, static_cast<double>(check.cycles) / s, o->bench / s,
            check.differing_words);
        return check.equal() ? 0 : 1;
    };
}

}  // namespace pixforge::app
