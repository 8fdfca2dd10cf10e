#include <iostream>

#include "app/cli.hpp"
#include "app/cmd_optimize.hpp"
#include "app/cmd_train.hpp"

int main(int argc, char** argv) {
    return pixforge::app::run_cli(std::vector<std::string>(argv, argv + argc), std::cout, std::cerr,
                                  {pixforge::app::train_command(), pixforge::app::optimize_command()});
}
