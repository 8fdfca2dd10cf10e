// libFuzzer harness: the TOML config loader. Input = the config text, optionally followed by a
// NUL byte and one `--set` override. A PixError is the expected outcome for bad input; any other
// exception, a crash, or a resolved config that does not load back identically is a finding.
#include <cstdint>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"
#include "optimizer/codesign/config_keys.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    const std::size_t nul = input.find('\0');
    const std::string text = input.substr(0, nul);
    std::vector<std::string> overrides;
    if (nul != std::string::npos) overrides.push_back(input.substr(nul + 1));
    std::string resolved;
    try {
        resolved =
            pixforge::Config::parse(pixforge::codesign::all_config_keys(), text, "fuzz.toml", overrides)
                .resolved_toml();
    } catch (const pixforge::PixError&) {
        return 0;
    }
    // The resolved copy saved with every output must load back to the same values.
    const pixforge::Config again =
        pixforge::Config::parse(pixforge::codesign::all_config_keys(), resolved, "resolved.toml");
    if (again.resolved_toml() != resolved) __builtin_trap();
    return 0;
}
