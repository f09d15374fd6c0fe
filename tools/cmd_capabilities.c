/* Placeholder until this verb lands; being written now. */
#include "cli.h"

int cmd_capabilities(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_usage_error("capabilities", "not built yet");
}
