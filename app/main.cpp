#include <iostream>

#include "app/cli.hpp"
#ifdef PIXFORGE_HAVE_TORCH
#include "app/cmd_optimize.hpp"
#include "app/cmd_train.hpp"
#endif

int main(int argc, char** argv) {
    std::vector<pixforge::app::ExtraCommand> with_torch;
#ifdef PIXFORGE_HAVE_TORCH  // built with -DPIXFORGE_TORCH=ON (the default)
    with_torch = {pixforge::app::train_command(), pixforge::app::optimize_command(),
                  pixforge::app::compare_strategies_command()};
#endif
    return pixforge::app::run_cli(std::vector<std::string>(argv, argv + argc), std::cout, std::cerr,
                                  with_torch);
}
