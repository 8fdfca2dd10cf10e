#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/process.hpp"
#include "rtl_gen/verilated_library.hpp"
#include "rtl_gen/work_folder.hpp"

namespace pixforge::rtl {

namespace fs = std::filesystem;

namespace {

constexpr const char* kVerilatorInclude = "/usr/share/verilator/include";
constexpr int kBuilderVersion = 5;  // bump when the glue or the flags change (5: waveforms, ABI 3)

// Every candidate, its precompiled header and the runtime use exactly these flags.
std::vector<std::string> common_flags() {
    return {"-std=c++17",
            "-O2",
            "-fPIC",
            "-DVM_TRACE=0",
            "-DVM_TRACE_VCD=0",
            "-DVM_TRACE_FST=0",
            "-DVM_COVERAGE=0",
            "-DVM_SC=0",
            "-I" + std::string(kVerilatorInclude),
            "-I" + std::string(kVerilatorInclude) + "/vltstd",
            "-Wno-attributes"};
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

std::string runtime_folder_name() {
    return fmt::format("runtime-v{}", kBuilderVersion);
}

// Runs one build step from an argv list in `cwd` (own process group, timeout). True when it
// exited 0; RTL-012 when it ran out of time.
bool run_step(const std::vector<std::string>& argv, const fs::path& log, double timeout_s,
              const fs::path& cwd, const std::string& what) {
    const ProcessResult r = run_process(argv, log, timeout_s, cwd);
    if (r.timed_out)
        throw PixError("RTL-012", fmt::format("{} {} (limit {:g} s); log: {}", what, r.describe(), timeout_s,
                                              log.string()));
    return r.exited && r.exit_code == 0;
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The first Verilator diagnostic, which names the file and line.
std::string first_diagnostic(const std::string& log) {
    std::istringstream in(log);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("%Error", 0) == 0 || line.rfind("%Warning", 0) == 0) return line;
    return log.substr(0, 400);
}

// The ABI's step for a window-level top (pixforge_net) or for the pixel block (pixforge_pixel);
// the other entry is null.
std::string step_functions(const GeneratedRtl& rtl) {
    if (!rtl.pixel_block)
        return fmt::format(
            R"(void step(void* p, int rst, int in_valid, const std::uint16_t* samples, int out_ready, int* in_ready, int* out_valid,
          std::int64_t* outputs) {{
    auto* t = static_cast<Model*>(p)->top;
    t->clk = 0;
    t->rst = rst ? 1 : 0;
    t->in_valid = in_valid ? 1 : 0;
    t->out_ready = out_ready ? 1 : 0;
    if (in_valid)  // the samples matter only when offered
        for (int s = 0; s < {0}; ++s) put(t->in_samples, s * {1}, {1}, samples[s]);
    t->eval();
    *in_ready = t->in_ready;
    *out_valid = t->out_valid;
    read_outputs(t, outputs);
    t->clk = 1;
    t->eval();
}}
constexpr auto* kStep = step;
constexpr decltype(PixforgeCandidateApi::step_pixel) kStepPixel = nullptr;
)",
            rtl.samples, rtl.sample_bits);
    return R"(void step_pixel(void* p, int rst, int s_valid, int code, int out_ready, int* flags, std::int64_t* outputs) {
    auto* t = static_cast<Model*>(p)->top;
    t->clk = 0;
    t->rst = rst ? 1 : 0;
    t->s_valid = s_valid ? 1 : 0;
    t->s_code = static_cast<std::uint16_t>(code);
    t->out_ready = out_ready ? 1 : 0;
    t->eval();
    WAVE_DUMP(p, 0);
    const int values[] = {t->out_valid, t->trig, t->armed, t->dead_edge, t->lost, t->idle, t->cap_valid, t->cap_code};
    for (int i = 0; i < 8; ++i) flags[i] = values[i];
    read_outputs(t, outputs);
    t->clk = 1;
    t->eval();
    WAVE_DUMP(p, 1);
}
constexpr decltype(PixforgeCandidateApi::step) kStep = nullptr;
constexpr auto* kStepPixel = step_pixel;
)";
}

// The waveform part of the glue (a build with waveforms): an FST writer on the model, dumping the
// cycles wave_at switches on, each at its own time, with the analog value on the wrapper's port.
std::string wave_glue(bool waveforms) {
    if (!waveforms)
        return R"(#define WAVE_DUMP(p, edge)
#define WAVE_CLOSE(m)
struct Wave {};
void wave_create(VerilatedContext&) {}
constexpr decltype(PixforgeCandidateApi::wave_open) kWaveOpen = nullptr;
constexpr decltype(PixforgeCandidateApi::wave_at) kWaveAt = nullptr;
constexpr decltype(PixforgeCandidateApi::wave_close) kWaveClose = nullptr;
)";
    return R"(struct Wave {
    VerilatedFstC fst;
    std::uint64_t time_ps = 0, half_ps = 0;
    bool on = false;
};
void wave_create(VerilatedContext& context) { context.traceEverOn(true); }  // before the model
#define WAVE_CLOSE(m) \
    if ((m)->wave) (m)->wave->fst.close()
#define WAVE_DUMP(p, edge)                                                                  \
    if (auto* w = static_cast<Model*>(p)->wave.get(); w && w->on) w->fst.dump(w->time_ps + (edge) * w->half_ps)
)";
}

std::string wave_functions(bool waveforms) {
    if (!waveforms) return "";
    return R"(int wave_open(void* p, const char* path) {
    auto* m = static_cast<Model*>(p);
    m->wave = std::make_unique<Wave>();
    m->top->trace(&m->wave->fst, 99);
    m->wave->fst.open(path);
    return m->wave->fst.isOpen() ? 1 : 0;
}
void wave_at(void* p, std::uint64_t time_ps, std::uint64_t half_ps, int on, std::int32_t analog_e) {
    auto* m = static_cast<Model*>(p);
    if (!m->wave) return;
    m->wave->time_ps = time_ps, m->wave->half_ps = half_ps, m->wave->on = on != 0;
    m->top->analog_e = static_cast<std::uint32_t>(analog_e);
}
void wave_close(void* p) {
    auto* m = static_cast<Model*>(p);
    if (m->wave) m->wave->fst.close();
    m->wave.reset();
}
constexpr auto* kWaveOpen = wave_open;
constexpr auto* kWaveAt = wave_at;
constexpr auto* kWaveClose = wave_close;
)";
}

std::string glue(const GeneratedRtl& rtl, const std::string& prefix, bool waveforms) {
    return fmt::format(R"(// Generated C ABI of one pixforge candidate (see rtl_gen/verilated_library.hpp).
#include <cstdint>
#include <memory>
#include "{0}.h"
#include "verilated.h"
{6}
extern "C" {{
struct PixforgeCandidateApi {{
    int abi_version;
    int samples, sample_bits, outputs, output_bits;
    void* (*create)();
    void (*destroy)(void*);
    void (*step)(void*, int, int, const std::uint16_t*, int, int*, int*, std::int64_t*);
    void (*step_pixel)(void*, int, int, int, int, int*, std::int64_t*);
    int (*wave_open)(void*, const char*);
    void (*wave_at)(void*, std::uint64_t, std::uint64_t, int, std::int32_t);
    void (*wave_close)(void*);
}};
}}

namespace {{
{7}
template <typename T>
void put(T& port, int lsb, int width, std::uint64_t v) {{
    for (int b = 0; b < width; ++b) {{
        const T bit = static_cast<T>(T{{1}} << (lsb + b));
        port = ((v >> b) & 1u) ? static_cast<T>(port | bit) : static_cast<T>(port & ~bit);
    }}
}}
// Word-level: a field of at most 32 bits touches at most two 32-bit words.
template <std::size_t N>
void put(VlWide<N>& port, int lsb, int width, std::uint64_t v) {{
    const std::uint64_t mask = (width >= 64 ? ~0ULL : ((1ULL << width) - 1)) << (lsb % 32);
    const std::uint64_t bits = (v << (lsb % 32)) & mask;
    const int w = lsb / 32;
    port[w] = static_cast<EData>((port[w] & ~static_cast<EData>(mask)) | static_cast<EData>(bits));
    if (w + 1 < static_cast<int>(N) && (mask >> 32))
        port[w + 1] = static_cast<EData>((port[w + 1] & ~static_cast<EData>(mask >> 32)) | static_cast<EData>(bits >> 32));
}}
template <typename T>
std::uint64_t get(const T& port, int lsb, int width) {{
    return (static_cast<std::uint64_t>(port) >> lsb) & (width >= 64 ? ~0ULL : ((1ULL << width) - 1));
}}
template <std::size_t N>
std::uint64_t get(const VlWide<N>& port, int lsb, int width) {{
    const int w = lsb / 32;
    std::uint64_t words = port[w];
    if (w + 1 < static_cast<int>(N)) words |= static_cast<std::uint64_t>(port[w + 1]) << 32;
    return (words >> (lsb % 32)) & (width >= 64 ? ~0ULL : ((1ULL << width) - 1));
}}

struct Model {{
    VerilatedContext context;
    {0}* top = nullptr;
    std::unique_ptr<Wave> wave;
}};

void* create() {{
    auto* m = new Model;
    wave_create(m->context);
    m->top = new {0}{{&m->context, "pixforge"}};
    return m;
}}

void destroy(void* p) {{
    auto* m = static_cast<Model*>(p);
    WAVE_CLOSE(m);
    m->top->final();
    delete m->top;
    delete m;
}}

void read_outputs({0}* t, std::int64_t* outputs) {{
    for (int o = 0; o < {3}; ++o) {{
        const std::uint64_t raw = get(t->out_data, o * {4}, {4});
        outputs[o] = static_cast<std::int64_t>(raw << (64 - {4})) >> (64 - {4});  // sign-extend
    }}
}}

{5}
{8}
const PixforgeCandidateApi kApi = {{3, {1}, {2}, {3}, {4}, create, destroy, kStep, kStepPixel, kWaveOpen, kWaveAt, kWaveClose}};
}}  // namespace

extern "C" __attribute__((visibility("default"))) const PixforgeCandidateApi* pixforge_candidate_api() {{ return &kApi; }}
)",
                       prefix, rtl.samples, rtl.sample_bits, rtl.outputs, rtl.output_bits,
                       step_functions(rtl), waveforms ? "#include \"verilated_fst_c.h\"\n" : "",
                       wave_glue(waveforms), wave_functions(waveforms));
}

}  // namespace

VerilatedLibraryBuilder::VerilatedLibraryBuilder(fs::path cache_dir, double tool_timeout_s)
    : cache_(fs::absolute(std::move(cache_dir))), tool_timeout_s_(tool_timeout_s) {
    fs::create_directories(cache_ / "candidates");
    // ccache when installed: looked up on PATH directly, never through a shell.
    compiler_ = find_executable("ccache").empty() ? std::vector<std::string>{"g++"}
                                                  : std::vector<std::string>{"ccache", "g++"};
}

fs::path VerilatedLibraryBuilder::cache_or_default(const fs::path& chosen) {
    if (!chosen.empty()) return chosen;
    if (const char* p = std::getenv("PIXFORGE_CACHE"); p && *p) return p;
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "pixforge";
    if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".cache" / "pixforge";
    return fs::temp_directory_path() / "pixforge-cache";
}

fs::path VerilatedLibraryBuilder::runtime_library() {
    const fs::path dir = cache_ / runtime_folder_name();
    const fs::path lib = dir / "libpixforge_vlrt.so";
    if (fs::exists(lib)) return lib;
    const fs::path temp = make_private_folder(cache_, "runtime");
    const auto argv =
        concat(concat(compiler_, common_flags()),
               {"-shared", "-o", "libpixforge_vlrt.so", std::string(kVerilatorInclude) + "/verilated.cpp",
                std::string(kVerilatorInclude) + "/verilated_threads.cpp", "-pthread"});
    if (!run_step(argv, temp / "build.log", tool_timeout_s_, temp, "building the Verilator runtime"))
        throw PixError("RTL-011", fmt::format("building the Verilator runtime failed: {}; log: {}",
                                              read_file(temp / "build.log").substr(0, 400),
                                              (temp / "build.log").string()));
    publish_folder(temp, dir);
    return lib;
}

fs::path VerilatedLibraryBuilder::precompiled_header() {
    const fs::path dir = cache_ / fmt::format("pch-v{}", kBuilderVersion);
    const fs::path header = dir / "pixforge_vl_pch.h";
    if (fs::exists(dir / "pixforge_vl_pch.h.gch")) return header;
    const fs::path temp = make_private_folder(cache_, "pch");
    std::ofstream(temp / "pixforge_vl_pch.h") << "#include \"verilated.h\"\n";
    const auto argv = concat(
        concat({"g++"}, common_flags()),
        {"-fvisibility=hidden", "-x", "c++-header", "pixforge_vl_pch.h", "-o", "pixforge_vl_pch.h.gch"});
    if (!run_step(argv, temp / "build.log", tool_timeout_s_, temp, "building the precompiled header"))
        throw PixError("RTL-011", fmt::format("building the precompiled header failed: {}; log: {}",
                                              read_file(temp / "build.log").substr(0, 400),
                                              (temp / "build.log").string()));
    publish_folder(temp, dir);
    return header;
}

// The pixel block under a top that adds the analog signal as a port, for waveforms only: GTKWave
// shows it beside the ADC codes (s_code) and the block's own signals. Not synthesized.
VerilogFile wave_wrapper(const GeneratedRtl& rtl) {
    const int code_bits = rtl.sample_bits, out_bits = rtl.outputs * rtl.output_bits;
    return {
        "pixforge_wave.v",
        fmt::format(
            "// pixforge_wave: pixforge_pixel with the shaped analog signal beside it (waveforms only).\n"
            "module pixforge_wave (\n    input  wire clk,\n    input  wire rst,\n    input  wire s_valid,\n"
            "    input  wire [{0}:0] s_code,\n    output wire out_valid,\n    input  wire out_ready,\n"
            "    output wire [{1}:0] out_data,\n    output wire trig,\n    output wire armed,\n"
            "    output wire dead_edge,\n    output wire lost,\n    output wire idle,\n"
            "    output wire cap_valid,\n    output wire [{0}:0] cap_code,\n"
            "    /* verilator lint_off UNUSEDSIGNAL */\n"
            "    input  wire signed [31:0] analog_e  // shaped signal at the sample, electrons\n"
            "    /* verilator lint_on UNUSEDSIGNAL */\n);\n"
            "    pixforge_pixel block (.clk(clk), .rst(rst), .s_valid(s_valid), .s_code(s_code),\n"
            "        .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data), .trig(trig),\n"
            "        .armed(armed), .dead_edge(dead_edge), .lost(lost), .idle(idle), .cap_valid(cap_valid),\n"
            "        .cap_code(cap_code));\nendmodule\n",
            code_bits - 1, out_bits - 1)};
}

BuildResult VerilatedLibraryBuilder::build(const GeneratedRtl& built, bool waveforms) {
    const auto start = std::chrono::steady_clock::now();
    if (waveforms && !built.pixel_block)
        throw PixError("RTL-013",
                       "waveforms are recorded of the pixel block (pixforge_pixel) only; build the "
                       "candidate as the pixel's block (simulate --block pixel)");
    GeneratedRtl rtl = built;
    if (waveforms) rtl.files.push_back(wave_wrapper(built)), rtl.top = "pixforge_wave";
    BuildResult result;
    const std::string hash = rtl.rtl_hash();
    result.prefix = "Vpf" + hash;
    const fs::path final_dir =
        cache_ / "candidates" / fmt::format("{}-v{}{}", hash, kBuilderVersion, waveforms ? "-waves" : "");
    result.library = final_dir / "libcandidate.so";
    if (fs::exists(result.library)) {
        result.cached = true;
        result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return result;
    }
    const fs::path runtime = runtime_library();
    const fs::path pch = precompiled_header();
    const fs::path work = make_private_folder(cache_ / "candidates", hash);
    fs::create_directories(work / "rtl");
    // Tools run inside the work folder on relative names: the cache path (any characters) never
    // reaches Verilator's generated code or a command line it could break.
    std::vector<std::string> verilate = {"verilator",    "--cc",        "-Wall",  "-O3",      "--x-assign",
                                         "fast",         "--x-initial", "fast",   "--prefix", result.prefix,
                                         "--top-module", rtl.top,       "--Mdir", "obj"};
    if (waveforms) verilate.push_back("--trace-fst");
    for (const auto& f : rtl.files) {
        std::ofstream(work / "rtl" / f.name) << f.text;
        verilate.push_back("rtl/" + f.name);
    }
    const std::string candidate = fmt::format("candidate {} ({})", result.prefix, work.string());
    if (!run_step(verilate, work / "verilator.log", tool_timeout_s_, work, "Verilating " + candidate)) {
        // The folder stays for inspection: the diagnostic points into it.
        throw PixError("RTL-010",
                       fmt::format("Verilator rejected the generated RTL of {} (lint is -Wall, warnings "
                                   "fatal): {}",
                                   candidate, first_diagnostic(read_file(work / "verilator.log"))));
    }
    std::ofstream(work / "obj" / "glue.cpp") << glue(rtl, result.prefix, waveforms);
    // The FST writer first: the model's trace code instantiates its templates.
    std::string unity = waveforms ? "#include \"verilated_fst_c.cpp\"\n" : "";
    for (const auto& e : fs::directory_iterator(work / "obj"))
        if (e.path().extension() == ".cpp" && e.path().filename() != "glue.cpp")
            unity += "#include \"" + e.path().filename().string() + "\"\n";
    unity += "#include \"glue.cpp\"\n";
    std::ofstream(work / "obj" / "unity.cpp") << unity;
    // The runtime is found relative to the library ($ORIGIN is <cache>/candidates/<hash>), so
    // the cache path never enters the rpath, where ':' would split it.
    // A build with waveforms has VM_TRACE on, so it cannot use the precompiled header.
    std::vector<std::string> flags = common_flags();
    if (waveforms)
        for (std::string& f : flags)
            if (f == "-DVM_TRACE=0" || f == "-DVM_TRACE_FST=0") f.back() = '1';
    auto compile =
        concat(concat(compiler_, flags),
               concat(waveforms ? std::vector<std::string>{}
                                : std::vector<std::string>{"-Winvalid-pch", "-include", pch.string()},
                      {"-fvisibility=hidden", "-I.", "-shared", "-o", "../libcandidate.so", "unity.cpp",
                       "-L" + runtime.parent_path().string(), "-lpixforge_vlrt", "-Xlinker", "-rpath",
                       "-Xlinker", "$ORIGIN/../../" + runtime_folder_name(), "-pthread"}));
    if (waveforms) compile.push_back("-lz");  // FST compresses its blocks
    if (!run_step(compile, work / "compile.log", tool_timeout_s_, work / "obj", "compiling " + candidate)) {
        const std::string log = read_file(work / "compile.log");
        fs::remove_all(work);
        throw PixError("RTL-011", fmt::format("compiling {} failed: {}", candidate, log.substr(0, 600)));
    }
    fs::remove_all(work / "obj");
    publish_folder(work, final_dir);
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

}  // namespace pixforge::rtl
