/* Placeholder until this verb lands; being written now. */
#include "cli.h"

int cmd_validate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_usage_error("validate", "not built yet");
}
