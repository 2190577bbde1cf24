package doku.checkout

import com.google.gson.JsonParser
import doku.checkout.core.CancelOrderResult
import doku.checkout.core.CreateCheckoutResult
import doku.checkout.core.ErrorDetails
import doku.checkout.core.OrderStatusResult
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import java.lang.reflect.Modifier

/** The same fields, under the same names, as every other language (camelCase here). */
class SurfaceTest {
    private val surface = JsonParser.parseString(conformanceRun("surface", "{}")).asJsonObject["ok"].asJsonObject

    private fun camel(s: String) = s.split('_').mapIndexed { i, p -> if (i == 0) p else p.replaceFirstChar { it.uppercase() } }.joinToString("")

    private fun fields(cls: Class<*>) = cls.declaredFields.filter { !Modifier.isStatic(it.modifiers) }.map { it.name }.toSet()

    @Test
    fun `every result type and the error record carry exactly the core fields`() {
        for (cls in listOf(CancelOrderResult::class.java, CreateCheckoutResult::class.java, OrderStatusResult::class.java, ErrorDetails::class.java)) {
            val want = surface[cls.simpleName].asJsonArray.map { camel(it.asString) }.toSet()
            assertEquals(want, fields(cls), cls.simpleName)
        }
    }

    @Test
    fun `every error case carries the one error record`() {
        val cases = DokuException::class.java.declaredClasses.filter { DokuException::class.java.isAssignableFrom(it) }
        val codes = JsonParser.parseString(conformanceRun("error_codes", "{}")).asJsonObject["ok"].asJsonArray
        assertEquals(codes.size(), cases.size, "one case per stable code")
        for (case in cases) assertEquals(setOf("details"), fields(case), case.simpleName)
    }
}
