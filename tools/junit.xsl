<?xml version="1.0" encoding="UTF-8"?>
<!--
  junit.xsl: turns the results of `virtc validate` into a JUnit XML report.

  Input (built by tools/validate_report.c), files in the order checked:
    <validation>
      <file name="vm.xml" kind="domain" status="passed|failed|not-checked">
        <diag severity="error|warning|note" file="vm.xml" line="3" column="5">message</diag>
      </file>
    </validation>

  Output: one <testsuite>, one <testcase> per file. A file that is wrong
  gets a <failure> whose text is its located messages, one per line in the
  gcc form the command prints on stderr; a file whose schema could not be
  loaded gets an <error> (the tool's fault, not the file's). Warnings go to
  the test case's <system-err>. No time attributes: the report of a given
  input is the same on every run.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>

  <xsl:variable name="suite">virtc validate</xsl:variable>
  <xsl:variable name="tests" select="count(/validation/file)"/>
  <xsl:variable name="failures" select="count(/validation/file[@status = 'failed'])"/>
  <xsl:variable name="errors" select="count(/validation/file[@status = 'not-checked'])"/>

  <xsl:template match="/validation">
    <testsuites name="{$suite}" tests="{$tests}" failures="{$failures}" errors="{$errors}">
      <testsuite name="{$suite}" tests="{$tests}" failures="{$failures}" errors="{$errors}"
                 skipped="0">
        <xsl:apply-templates select="file"/>
      </testsuite>
    </testsuites>
  </xsl:template>

  <xsl:template match="file">
    <testcase name="{@name}">
      <xsl:attribute name="classname">
        <xsl:text>validate.</xsl:text>
        <xsl:choose>
          <xsl:when test="@kind"><xsl:value-of select="@kind"/></xsl:when>
          <xsl:otherwise>unknown</xsl:otherwise>
        </xsl:choose>
      </xsl:attribute>
      <xsl:choose>
        <xsl:when test="@status = 'failed'">
          <failure type="invalid">
            <xsl:call-template name="located"/>
          </failure>
        </xsl:when>
        <xsl:when test="@status = 'not-checked'">
          <error type="schema">
            <xsl:call-template name="located"/>
          </error>
        </xsl:when>
      </xsl:choose>
      <xsl:if test="diag[@severity = 'warning']">
        <system-err>
          <xsl:apply-templates select="diag[@severity = 'warning']"/>
        </system-err>
      </xsl:if>
    </testcase>
  </xsl:template>

  <!-- message="the first error"; the text: every error and its notes, one a line -->
  <xsl:template name="located">
    <xsl:attribute name="message">
      <xsl:value-of select="diag[@severity = 'error'][1]"/>
    </xsl:attribute>
    <xsl:apply-templates select="diag[@severity != 'warning']"/>
  </xsl:template>

  <!-- file:line:column: severity: message, as a compiler says it -->
  <xsl:template match="diag">
    <xsl:value-of select="@file"/>
    <xsl:if test="@line">
      <xsl:value-of select="concat(':', @line)"/>
      <xsl:if test="@column">
        <xsl:value-of select="concat(':', @column)"/>
      </xsl:if>
    </xsl:if>
    <xsl:value-of select="concat(': ', @severity, ': ', ., '&#10;')"/>
  </xsl:template>
</xsl:stylesheet>
