// pixforge config: the parameter table, or a validated, resolved config.
#include "app/cli.hpp"
#include "core/config.hpp"
#include "models/chain_params.hpp"
#include "optimizer/codesign/config_keys.hpp"

namespace pixforge::app {

Action add_config_command(CLI::App& cmd) {
    auto options = std::make_shared<ConfigOptions>();
    auto describe_flag = std::make_shared<bool>(false);
    options->add_to(cmd, false);
    cmd.add_flag("--describe", *describe_flag,
                 "print every key with its type, default, unit, range and meaning");
    cmd.footer(
        "Examples:\n  pixforge config --describe\n  pixforge config -c configs/default.toml --set "
        "adc.bits=8");
    return [options, describe_flag](std::ostream& out, std::ostream& err) {
        if (*describe_flag || options->path.empty()) {
            describe_schema(codesign::all_config_keys(), out);
            return 0;
        }
        const Config config = options->load();
        (void)models::chain_params_from(config);  // cross-key checks
        out << "# resolved from " << config.source() << "\n" << config.resolved_toml();
        return 0;
    };
}

}  // namespace pixforge::app
